namespace FunctionsWorker.Bench;

/// <summary>Section 3: how soon the real worker process answers its liveness probe (the "0.5 s").</summary>
internal sealed record StartupReport(int Runs, int WarmupRuns, double PollIntervalMs, string WorkerDll, IReadOnlyList<StartupResult> Results);
