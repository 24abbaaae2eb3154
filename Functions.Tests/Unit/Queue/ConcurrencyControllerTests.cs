using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Unit.Queue;

/// <summary>
/// The controller against simulated workers on a fake clock: each window, the worker completes what its capacity
/// allows at the current limit, and jobs beyond that capacity only wait longer.
/// </summary>
public sealed class ConcurrencyControllerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ModelBoundWorker_SettlesNearWhatItsRunnersCanStart()
    {
        // One model runner with two overlapping stages: throughput rises to 2 at once, never beyond.
        var controller = new ConcurrencyController(500, _time);
        var limits = Run(controller, capacity: 2, jobMs: 500, windows: 40);

        Assert.InRange(limits.Skip(20).Max(), 1, 3);
        Assert.InRange(controller.Capacity, 2, 4);
    }

    [Fact]
    public void WorkerWithoutAModel_GrowsWhileThroughputGrows()
    {
        // A pipeline that waits (no model, no CPU): every extra job adds throughput.
        var controller = new ConcurrencyController(500, _time);
        Run(controller, capacity: 1000, jobMs: 200, windows: 40);

        Assert.True(controller.Limit >= 20, $"limit {controller.Limit}");
    }

    [Fact]
    public void StarvingThreadPool_BacksOff_AndTheMaximumHolds()
    {
        var controller = new ConcurrencyController(8, _time);
        Run(controller, capacity: 1000, jobMs: 200, windows: 30);
        Assert.Equal(8, controller.Limit);

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            controller.JobCompleted(TimeSpan.FromMilliseconds(200));
            controller.JobCompleted(TimeSpan.FromMilliseconds(200));
            controller.JobCompleted(TimeSpan.FromMilliseconds(200));
            controller.Adjust(throttled: true);
        }

        Assert.Equal(3, controller.Limit);
    }

    [Fact]
    public void IdleWorker_StaysAtOne()
    {
        var controller = new ConcurrencyController(500, _time);
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            controller.JobStarted(0);
            controller.JobCompleted(TimeSpan.FromMilliseconds(50));
            controller.Adjust(throttled: false);
        }

        Assert.Equal(1, controller.Limit);
    }

    /// <summary>Windows of 3 s: jobs in flight = the limit; the worker runs <paramref name="capacity"/> at once at its own speed.</summary>
    private List<int> Run(ConcurrencyController controller, int capacity, double jobMs, int windows)
    {
        var limits = new List<int>();
        for (var w = 0; w < windows; w++)
        {
            var running = controller.Limit;
            var effective = Math.Min(running, capacity);
            // Beyond capacity, jobs queue inside the worker: each takes longer by the queueing factor.
            var duration = jobMs * Math.Max(1.0, (double)running / capacity);
            var completions = (int)(3000 / jobMs * effective);
            controller.JobStarted(running);
            for (var i = 0; i < completions; i++)
            {
                controller.JobCompleted(TimeSpan.FromMilliseconds(duration));
            }

            _time.Advance(TimeSpan.FromSeconds(3));
            controller.Adjust(throttled: false);
            limits.Add(controller.Limit);
        }

        return limits;
    }
}
