using FunctionsWorker.Chaos;

namespace Functions.Tests.Unit;

/// <summary>The soak and saturation pass rules: met on good data, NOT met on bad data and on no data at all.</summary>
public sealed class SoakCriteriaTests
{
    [Fact]
    public void MemoryFlat_SmallGrowthAfterThousandJobs_IsMet() =>
        Assert.True(SoakCriteria.MemoryFlat(Sample(1000, 100), Sample(10_000, 105)));

    [Fact]
    public void MemoryFlat_GrowthOfTenPercent_IsNotMet() =>
        Assert.False(SoakCriteria.MemoryFlat(Sample(1000, 100), Sample(10_000, 110)));

    [Fact]
    public void MemoryFlat_NoSamplePastThousandJobs_IsNotMet() =>
        Assert.False(SoakCriteria.MemoryFlat(null, Sample(800, 100)));

    [Fact]
    public void MemoryFlat_FinalSampleIsTheThousandOne_IsNotMet()
    {
        var sample = Sample(1000, 100);

        Assert.False(SoakCriteria.MemoryFlat(sample, sample));
    }

    [Fact]
    public void Steady_BlocksWithinAQuarter_IsMet() => Assert.True(SoakCriteria.Steady([100, 90, 80]));

    [Fact]
    public void Steady_SlowBlock_IsNotMet() => Assert.False(SoakCriteria.Steady([100, 70]));

    [Fact]
    public void Steady_NoBlockAfterWarmup_IsNotMet() => Assert.False(SoakCriteria.Steady([]));

    [Fact]
    public void Steady_OneBlockAfterWarmup_IsNotMet() => Assert.False(SoakCriteria.Steady([100]));

    [Fact]
    public void AllSucceeded_NoJobs_IsNotMet() => Assert.False(SoakCriteria.AllSucceeded(0, 0));

    [Fact]
    public void AllSucceeded_OneMissing_IsNotMet() => Assert.False(SoakCriteria.AllSucceeded(10, 9));

    [Fact]
    public void BurstsCheap_SmallSlowdown_IsMet() => Assert.True(SoakCriteria.BurstsCheap(10, 9));

    [Fact]
    public void BurstsCheap_LargeSlowdown_IsNotMet() => Assert.False(SoakCriteria.BurstsCheap(10, 8));

    [Fact]
    public void BurstsCheap_NoBaselineThroughput_IsNotMet() => Assert.False(SoakCriteria.BurstsCheap(0, 0));

    [Fact]
    public void ProbesFast_QuickAnswers_IsMet() => Assert.True(SoakCriteria.ProbesFast([new LatencyStats([5, 8, 12])]));

    [Fact]
    public void ProbesFast_SlowP99_IsNotMet() => Assert.False(SoakCriteria.ProbesFast([new LatencyStats([5, 150])]));

    [Fact]
    public void ProbesFast_PhaseWithoutProbes_IsNotMet() => Assert.False(SoakCriteria.ProbesFast([new LatencyStats([5]), new LatencyStats([])]));

    [Fact]
    public void ProbesFast_NoPhases_IsNotMet() => Assert.False(SoakCriteria.ProbesFast([]));

    private static ProcessSample Sample(long jobs, long rssMb) =>
        new(TimeSpan.Zero, jobs, rssMb * 1024 * 1024, rssMb * 1024 * 1024, 20, 100, 0, 0);
}
