using FunctionsWorker.Inference;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Unit.Queue;

/// <summary>
/// The controller driving a simulated worker on a fake clock (<see cref="SimulatedWorker"/>): a backlog of jobs whose
/// kind has a true capacity, the listener's fetch and slot rules, and the controller deciding as it does in the worker.
/// </summary>
public sealed class ConcurrencyControllerTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Observe = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _time = new();
    private SimulatedWorker? _worker;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Limit_ConvergesNearTheTrueCapacity_AndHeldMessagesStayWithinIt(int capacity)
    {
        var controller = new ConcurrencyController(500, _time);
        var worker = new SimulatedWorker(controller, _time, _ => new JobKind(400, capacity));

        worker.Run(Settle);
        var observed = worker.Run(Observe);

        AssertNear(observed, capacity);
        Assert.True(worker.Completed > 100, $"only {worker.Completed} jobs completed");
    }

    [Fact]
    public void SlowerJobsAfterFastOnes_BringTheLimitBackDown_AndHeldMessagesFollow()
    {
        // Thumbnails that overlap eight at once, then OCR jobs the device runs two at a time.
        const int fastJobs = 6000;
        var fast = new JobKind(100, 8);
        var slow = new JobKind(800, 2);
        var controller = new ConcurrencyController(500, _time);
        var worker = new SimulatedWorker(controller, _time, index => index < fastJobs ? fast : slow);

        var fastPhase = worker.RunUntil(() => worker.Fetched >= fastJobs, TimeSpan.FromMinutes(10));
        Assert.InRange(fastPhase.Max(sample => sample.Limit), 8, 10);

        // Down within a few dozen slow jobs, not after a window of four per slot at the fast level: held messages
        // are jobs other replicas cannot take.
        var descent = worker.RunUntil(() => worker.CompletedOf(slow) >= 40, TimeSpan.FromMinutes(10));
        Assert.True(worker.CompletedOf(slow) >= 40, "the slow jobs did not run");
        Assert.InRange(descent[^1].Limit, 1, slow.Capacity + 2);

        worker.Run(Settle);
        var observed = worker.Run(Observe);

        AssertNear(observed, slow.Capacity);
        Assert.True(worker.CompletedOf(slow) > 100, $"only {worker.CompletedOf(slow)} slow jobs completed");
    }

    [Fact]
    public void FasterJobsAfterSlowOnes_LetTheLimitRiseAgain()
    {
        const int slowJobs = 300;
        var slow = new JobKind(800, 2);
        var fast = new JobKind(100, 6);
        var controller = new ConcurrencyController(500, _time);
        var worker = new SimulatedWorker(controller, _time, index => index < slowJobs ? slow : fast);

        worker.RunUntil(() => worker.Fetched >= slowJobs, TimeSpan.FromMinutes(10));
        worker.Run(Settle);
        var observed = worker.Run(Observe);

        AssertNear(observed, fast.Capacity);
    }

    [Fact]
    public void FullModelRunners_AddNoSlot_EvenWhereThroughputWouldStillRise()
    {
        // Jobs that scale freely (a wait, no device) while the runners report callers queued: no rise at all.
        var controller = new ConcurrencyController(500, _time, new FullRunners());
        var worker = new SimulatedWorker(controller, _time, _ => new JobKind(400, 1000));

        var samples = worker.Run(Settle);

        Assert.All(samples, sample => Assert.Equal(1, sample.Limit));
        Assert.True(worker.Completed > 100);
    }

    [Fact]
    public void WithoutFullRunners_TheSameJobsGrowTheLimit()
    {
        var controller = new ConcurrencyController(500, _time);
        var worker = new SimulatedWorker(controller, _time, _ => new JobKind(400, 1000));

        worker.Run(Settle);

        Assert.True(controller.Limit >= 10, $"limit {controller.Limit}");
    }

    [Fact]
    public void RunnersFullOnlyPastTheirCapacity_HoldTheLimitAtMostOneAbove()
    {
        // A real runner reports full once more callers than its slots are in it: one slot above capacity at most.
        const int capacity = 3;
        var controller = new ConcurrencyController(500, _time, new RunnersOf(() => _worker!.Running > capacity));
        _worker = new SimulatedWorker(controller, _time, _ => new JobKind(400, capacity));

        _worker.Run(Settle);
        var observed = _worker.Run(Observe);

        Assert.InRange(observed.Max(sample => sample.Limit), capacity, capacity + 1);
        Assert.True(observed.Count(sample => sample.Limit >= capacity) >= observed.Count * 0.8);
    }

    [Fact]
    public void StarvingThreadPool_TakesASlotAwayEachWindow_AndTheMaximumHolds()
    {
        var controller = new ConcurrencyController(8, _time);
        var worker = new SimulatedWorker(controller, _time, _ => new JobKind(400, 1000));
        var samples = worker.Run(Settle);
        Assert.Equal(8, samples.Max(sample => sample.Limit));
        var before = controller.Limit;
        Assert.InRange(before, 7, 8);

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            controller.Adjust(throttled: true);
        }

        Assert.Equal(before - 5, controller.Limit);
    }

    [Fact]
    public void IdleWorker_StaysAtOne()
    {
        var controller = new ConcurrencyController(500, _time);
        for (var i = 0; i < 20; i++)
        {
            controller.JobStarted(1);
            _time.Advance(TimeSpan.FromMilliseconds(50));
            controller.JobCompleted(TimeSpan.FromMilliseconds(50));
            _time.Advance(TimeSpan.FromSeconds(3));
            controller.Adjust(throttled: false);
        }

        Assert.Equal(1, controller.Limit);
    }

    /// <summary>
    /// Settled near the capacity: never above capacity + 2, and at capacity or above at least three quarters of the
    /// time (a probe one slot down lasts a window or two), holding at most capacity + 2 + the prefetch.
    /// </summary>
    private static void AssertNear(IReadOnlyList<SimulatedWorker.Sample> observed, int capacity)
    {
        var limits = string.Join(",", observed.Select(sample => sample.Limit));
        Assert.True(observed.All(sample => sample.Limit <= capacity + 2), $"limit above {capacity + 2}: {limits}");
        Assert.True(observed.Count(sample => sample.Limit >= capacity) >= observed.Count * 0.75, $"limit below {capacity} too often: {limits}");
        Assert.True(observed.All(sample => sample.Held <= capacity + 2 + ConcurrencyController.Prefetch),
            $"held above {capacity + 2 + ConcurrencyController.Prefetch}: {string.Join(",", observed.Select(sample => sample.Held))}");
    }

    private sealed class FullRunners : IInferenceLoad
    {
        public bool Saturated => true;
    }

    private sealed class RunnersOf(Func<bool> saturated) : IInferenceLoad
    {
        public bool Saturated => saturated();
    }
}
