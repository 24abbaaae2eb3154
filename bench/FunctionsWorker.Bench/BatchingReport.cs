namespace FunctionsWorker.Bench;

/// <summary>Section 4: OCR throughput at <see cref="Concurrency"/> jobs at once, batching off and on; <see cref="Ratio"/> is on / off.</summary>
internal sealed record BatchingReport(int Concurrency, int Rounds, BatchingResult Off, BatchingResult On, double Ratio);
