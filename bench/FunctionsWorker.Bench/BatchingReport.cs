namespace FunctionsWorker.Bench;

/// <summary>
/// Section 4: OCR throughput against jobs at once with dynamic batching off and on, per image set
/// (<see cref="Workloads"/>), and each OCR model's cost per row by batch size (<see cref="Scaling"/>).
/// </summary>
internal sealed record BatchingReport(int Rounds, IReadOnlyList<BatchingWorkload> Workloads, IReadOnlyList<BatchScalingPoint> Scaling);
