namespace FunctionsWorker.Chaos;

/// <summary>
/// The pass rules of the soak and saturation runs. Each one fails when the run has no data to judge it by: a rule
/// over nothing would pass on a run that measured nothing.
/// </summary>
internal static class SoakCriteria
{
    public const double MaxRssGrowth = 0.10;
    public const double MinSteadyRatio = 0.75;
    public const double MaxBurstSlowdown = 0.15;
    public const double MaxProbeP99Ms = 100;

    /// <summary>RSS grew by less than <see cref="MaxRssGrowth"/> from the first sample past 1 000 jobs to the final one, which must come after it.</summary>
    public static bool MemoryFlat(ProcessSample? atThousand, ProcessSample? final) =>
        atThousand is not null && final is not null && final.JobsSucceeded > atThousand.JobsSucceeded && atThousand.RssBytes > 0 &&
        Growth(atThousand.RssBytes, final.RssBytes) < MaxRssGrowth;

    /// <summary>
    /// The slowest 1 000-job block after warm-up runs at least <see cref="MinSteadyRatio"/> of the fastest: needs two
    /// such blocks, one block alone has nothing to be steady against.
    /// </summary>
    public static bool Steady(IReadOnlyList<double> blockRates) =>
        blockRates.Count >= 2 && blockRates.Min() >= MinSteadyRatio * blockRates.Max();

    /// <summary>Every job sent succeeded, and some were sent.</summary>
    public static bool AllSucceeded(int jobs, int succeeded) => jobs > 0 && succeeded == jobs;

    /// <summary>The status bursts slowed jobs by less than <see cref="MaxBurstSlowdown"/>: needs jobs running without them.</summary>
    public static bool BurstsCheap(double baselineJobsPerSecond, double burstingJobsPerSecond) =>
        baselineJobsPerSecond > 0 && 1 - (burstingJobsPerSecond / baselineJobsPerSecond) < MaxBurstSlowdown;

    /// <summary>Every phase got probe answers, and the worst p99 is under <see cref="MaxProbeP99Ms"/>.</summary>
    public static bool ProbesFast(IReadOnlyList<LatencyStats> phases) =>
        phases.Count > 0 && phases.All(p => p.Count > 0 && p.Percentile(99) < MaxProbeP99Ms);

    public static double Growth(long from, long to) => (double)(to - from) / from;
}
