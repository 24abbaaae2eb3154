namespace FunctionsWorker.Bench;

/// <summary>Everything one bench run measured; written as results.json, summarised in results.md. A skipped section is null; the load averages before and after tell whether other work shared the cores.</summary>
internal sealed record BenchReport(
    MachineInfo Machine,
    string Command,
    IReadOnlyList<string> Images,
    PipelineReport? Pipeline,
    QueueReport? Queue,
    StartupReport? Startup,
    string LoadAverageAfter);
