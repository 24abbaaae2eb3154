namespace FunctionsWorker.Bench;

/// <summary>What one bench run measures and where it writes, from the command line.</summary>
internal sealed record BenchSettings
{
    public required int Runs { get; init; }

    public required int QueueRuns { get; init; }

    public required int Jobs { get; init; }

    public required int StartupRuns { get; init; }

    /// <summary>A worker DLL from another build, started in the same alternating rounds (before/after a change); null for none.</summary>
    public string? StartupBaseline { get; init; }

    public required bool Overlay { get; init; }

    /// <summary>The queue listener's idle back-off cap; host.json's 2 s would otherwise add up to 2 s to a short batch's first job.</summary>
    public required TimeSpan MaxPollingInterval { get; init; }

    public required string ImagesDirectory { get; init; }

    public required string OutputDirectory { get; init; }

    public required IReadOnlySet<string> Sections { get; init; }

    /// <summary>The command as a person would type it, for the results file.</summary>
    public required string CommandLine { get; init; }
}
