namespace FunctionsWorker.Chaos;

/// <summary>How long and how hard a chaos run pushes; <see cref="Short"/> is the CI variant.</summary>
internal sealed record ChaosSettings
{
    /// <summary>How long load and faults run; the drain and the checks follow.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    public int Workers { get; init; } = 3;

    /// <summary>Valid jobs sent per second.</summary>
    public double JobsPerSecond { get; init; } = 3;

    /// <summary>Chance that a valid job is followed by a bad message (kinds in turn).</summary>
    public double BadFraction { get; init; } = 0.1;

    /// <summary>Chance that a valid job is sent a second time (same jobId, same content) a little later.</summary>
    public double TwinFraction { get; init; } = 0.05;

    /// <summary>Share of valid jobs that are <c>ocr</c> (the PP-OCRv4 models, dynamic batching at its default).</summary>
    public double OcrFraction { get; init; } = 0.25;

    /// <summary>Share of valid jobs that are <c>thumbnail</c>; the rest are <c>delay</c>.</summary>
    public double ThumbnailFraction { get; init; } = 0.45;

    public int MaxDelayMs { get; init; } = 1500;

    /// <summary>Mean time between process faults (kill -9, or every fourth one a SIGTERM), each on a random worker.</summary>
    public TimeSpan KillInterval { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Mean time between storage faults through the proxy (cut, hang, reset, latency).</summary>
    public TimeSpan StorageFaultInterval { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>Longest storage fault; each lasts between a third of this and this.</summary>
    public TimeSpan MaxStorageFault { get; init; } = TimeSpan.FromSeconds(9);

    /// <summary>Time between Azurite restarts (SIGTERM, a pause, start on the same data directory).</summary>
    public TimeSpan AzuriteRestartInterval { get; init; } = TimeSpan.FromSeconds(100);

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Past <see cref="ShutdownGracePeriod"/>, how long a SIGTERMed worker may take to leave (the runtime's own
    /// teardown on a busy machine) before its stop counts as an overrun.
    /// </summary>
    public TimeSpan ExitAllowance { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>How long the checks wait, after the faults stop, for every job to finish and the queue to empty.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(4);

    public int Seed { get; init; } = 8;

    /// <summary>Where the markdown report goes; null prints it only.</summary>
    public string? ReportPath { get; init; }

    public string CommandLine { get; init; } = string.Empty;

    /// <summary>The command a person ran (scripts/chaos.sh passes its own in <c>CHAOS_COMMAND</c>); null when the harness was started directly.</summary>
    public string? Invocation { get; init; }

    /// <summary>
    /// The least a run must do to count: a third of the valid jobs, bad messages, process faults and storage faults
    /// its rate and intervals would give (the pauses are random and each fault takes time of its own). Below it the
    /// checks would pass on too little work to mean anything.
    /// </summary>
    public int MinValidJobs => (int)(Duration.TotalSeconds * JobsPerSecond / 3);

    /// <inheritdoc cref="MinValidJobs"/>
    public int MinBadMessages => (int)(MinValidJobs * BadFraction);

    /// <inheritdoc cref="MinValidJobs"/>
    public int MinOcrJobs => (int)(MinValidJobs * OcrFraction);

    /// <inheritdoc cref="MinValidJobs"/>
    public int MinProcessFaults => (int)(Duration / KillInterval / 3);

    /// <inheritdoc cref="MinValidJobs"/>
    public int MinStorageFaults => (int)(Duration / StorageFaultInterval / 3);

    public static ChaosSettings Short => new()
    {
        Duration = TimeSpan.FromSeconds(30),
        JobsPerSecond = 3,
        BadFraction = 0.3,
        MaxDelayMs = 800,
        KillInterval = TimeSpan.FromSeconds(5),
        StorageFaultInterval = TimeSpan.FromSeconds(5),
        MaxStorageFault = TimeSpan.FromSeconds(4),
        AzuriteRestartInterval = TimeSpan.FromSeconds(14),
        DrainTimeout = TimeSpan.FromSeconds(45),
    };
}
