using Microsoft.Extensions.Time.Testing;
using FunctionsWorker.Configuration;
using FunctionsWorker.Health;
using FunctionsWorker.Triggers.Queue;
using FunctionsWorker.State;
using FunctionsWorker.Background;

namespace Functions.Tests.Unit;

public sealed class BackoffTests
{
    [Fact]
    public void Backoff_DoublesFromMinimum_WithinTwentyPercentJitter_CappedAtMaximum()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60), new Random(42));
        var expected = 100.0;
        for (var i = 0; i < 14; i++)
        {
            var delay = backoff.Next().TotalMilliseconds;
            var nominal = Math.Min(expected, 60_000);
            Assert.InRange(delay, nominal * 0.8 - 0.001, Math.Min(nominal * 1.2, 60_000) + 0.001);
            expected *= 2;
        }
    }

    [Fact]
    public void Backoff_Jitters_AndResetStartsAgainFromMinimum()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60), new Random(7));
        var firsts = Enumerable.Range(0, 20).Select(_ => { backoff.Reset(); return backoff.Next(); }).ToHashSet();
        Assert.True(firsts.Count > 10, "jitter spreads the delays");
        Assert.All(firsts, d => Assert.InRange(d.TotalMilliseconds, 80, 120));
    }

    [Fact]
    public void CircuitBreaker_OpensAtThreshold_AndClosesAfterDuration()
    {
        var time = new FakeTimeProvider();
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(30), time);
        Assert.False(breaker.RecordFault());
        breaker.RecordSuccess();
        Assert.False(breaker.RecordFault());
        Assert.False(breaker.RecordFault());
        Assert.True(breaker.RecordFault());
        Assert.NotNull(breaker.OpenUntil);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(breaker.OpenUntil);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(breaker.OpenUntil);
    }

    [Fact]
    public void WorkerHealth_ReportsStuckLoop_OnlyAfterThreshold()
    {
        var time = new FakeTimeProvider();
        var state = new WorkerState(time);
        var health = new WorkerHealth(state, Microsoft.Extensions.Options.Options.Create(new WorkerOptions()), time);
        state.Beat("queue-listener");
        time.Advance(health.StuckThreshold - TimeSpan.FromSeconds(1));
        Assert.Empty(health.StuckLoops());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["queue-listener"], health.StuckLoops());
    }

    [Fact]
    public void WorkerHealth_KeepsAWarmupFailureInView_WhileItsRetryRuns()
    {
        var time = new FakeTimeProvider();
        var state = new WorkerState(time);
        var health = new WorkerHealth(state, Microsoft.Extensions.Options.Options.Create(new WorkerOptions()), time);
        state.SetWarmup(new WarmupTaskStatus("model-cache", "Failed", 1, "Model 'gpu-only' failed: no CUDA", time.GetUtcNow().AddSeconds(1)));
        Assert.Contains("warm-up 'model-cache' failed: Model 'gpu-only' failed: no CUDA", health.NotReadyReasons());
        Assert.Equal("degraded", health.Status);

        // The retry is running: ready still says why the last attempt failed, and health stays degraded.
        state.SetWarmup(new WarmupTaskStatus("model-cache", "Running", 2, "Model 'gpu-only' failed: no CUDA", null));
        Assert.Contains("warm-up 'model-cache' is Running (attempt 2) after it failed: Model 'gpu-only' failed: no CUDA", health.NotReadyReasons());
        Assert.Equal("degraded", health.Status);

        state.SetWarmup(new WarmupTaskStatus("model-cache", "Ready", 2, null, null));
        Assert.DoesNotContain(health.NotReadyReasons(), reason => reason.Contains("model-cache", StringComparison.Ordinal));
        Assert.Equal("healthy", health.Status);
    }
}
