using Functions.Tests.Fixtures;
using FunctionsWorker.Configuration;
using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using FunctionsWorker.State;

namespace Functions.Tests.Unit.Queue;

public sealed class QueueListenerTests
{
    /// <summary>
    /// The listener's wait slice: short, so its loop comes around twice on the clock well inside dynamic concurrency's
    /// 10 s measuring window, which would otherwise step the limit up while jobs are held.
    /// </summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryMessageQueues _queues;
    private readonly ScriptedJobRunner _jobs = new();
    private readonly WorkerState _state;

    public QueueListenerTests()
    {
        _queues = new InMemoryMessageQueues(_time);
        _state = new WorkerState(_time);
    }

    [Fact]
    public async Task InFlightCap_FetchesNoMoreThanTheThresholdAllows_UntilAJobFinishes()
    {
        for (var i = 0; i < 10; i++)
        {
            _queues["jobs"].Add($"job {i}");
        }

        _jobs.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = Listener(batchSize: 2, newBatchThreshold: 1);
        _state.MarkWarm();
        await listener.StartAsync(CancellationToken.None);

        // One batch of 2: in flight (2) is above the threshold (1), so nothing more is fetched.
        await Eventually.HoldsAsync(() => Task.FromResult(_jobs.Ran.Count == 2), 120);
        await ListenerComesAroundAsync();
        Assert.Equal(2, _jobs.Ran.Count);
        Assert.Equal(2, _state.InFlight);
        Assert.Equal(8, _queues["jobs"].VisibleCount);

        // Jobs finish: the listener fetches again and runs the rest.
        _jobs.Gate.SetResult();
        await Eventually.HoldsAsync(() => Task.FromResult(_queues["jobs"].Count == 0), 120);
        Assert.Equal(10, _jobs.Ran.Count);
        await listener.StopAsync(CancellationToken.None);
        Assert.Equal(0, _state.InFlight);
    }

    [Fact]
    public async Task NotWarm_FetchesNothing()
    {
        _queues["jobs"].Add("waiting");
        using var listener = Listener(batchSize: 16, newBatchThreshold: null);
        await listener.StartAsync(CancellationToken.None);
        await ListenerComesAroundAsync();

        Assert.Equal(0, _queues["jobs"].Receives);
        _state.MarkWarm();
        await Eventually.HoldsAsync(() => Task.FromResult(_queues["jobs"].Count == 0), 120);
        await listener.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Shutdown_WaitsTheGracePeriod_ThenReleasesWhatIsLeft()
    {
        _queues["jobs"].Add("forever");
        _jobs.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = Listener(batchSize: 1, newBatchThreshold: 0, grace: TimeSpan.FromSeconds(5));
        _state.MarkWarm();
        await listener.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(_jobs.Ran.Count == 1), 120);

        // The clock moves a quarter second at a time while the stop is pending: it ends once the grace is over on the
        // clock, not before (a stop that did not wait would end within a step or two).
        var stopAt = _time.GetUtcNow();
        var stopping = listener.StopAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() =>
        {
            if (!stopping.IsCompleted)
            {
                _time.Advance(TimeSpan.FromMilliseconds(250));
            }

            return Task.FromResult(stopping.IsCompleted);
        }, 120);
        await stopping;

        Assert.True(_time.GetUtcNow() - stopAt >= TimeSpan.FromSeconds(5), $"stopped {_time.GetUtcNow() - stopAt} after the stop began on the clock");
        Assert.Equal(1, _queues["jobs"].VisibleCount);
        Assert.Equal(FunctionsWorker.Jobs.JobState.Released, Assert.Single(_jobs.Finished).State);
    }

    [Fact]
    public async Task DynamicConcurrency_RunsItsLimit_AndHoldsOneMorePrefetched_NotABatch()
    {
        for (var i = 0; i < 24; i++)
        {
            _queues["jobs"].Add($"ocr {i}");
        }

        _jobs.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = Listener(batchSize: 16, newBatchThreshold: null, dynamic: true);
        _state.MarkWarm();
        await listener.StartAsync(CancellationToken.None);

        // It starts at one job and holds one more, prefetched but not started; never a batch of 16: the rest stays
        // for other workers.
        await Eventually.HoldsAsync(() => Task.FromResult(_jobs.Ran.Count == 1 && _queues["jobs"].VisibleCount == 22), 120);
        await ListenerComesAroundAsync();
        Assert.Single(_jobs.Ran);
        Assert.Equal(2, _state.InFlight);
        Assert.Equal(22, _queues["jobs"].VisibleCount);
        Assert.Equal(1, _state.Concurrency);

        _jobs.Gate.SetResult();
        await Eventually.HoldsAsync(() => Task.FromResult(_queues["jobs"].Count == 0), 120);
        Assert.Equal(24, _jobs.Ran.Count);
        await listener.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task DynamicConcurrency_Shutdown_ReleasesThePrefetchedMessageUnstarted()
    {
        _queues["jobs"].Add("running");
        _queues["jobs"].Add("prefetched");
        _jobs.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = Listener(batchSize: 16, newBatchThreshold: null, grace: TimeSpan.FromSeconds(5), dynamic: true);
        _state.MarkWarm();
        await listener.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(_jobs.Ran.Count == 1 && _state.InFlight == 2), 120);

        // Stopping gives the prefetched message back at once, visible for another worker; the running job keeps its grace.
        var stopping = listener.StopAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(_queues["jobs"].VisibleCount == 1), 120);
        Assert.Single(_jobs.Ran);
        _jobs.Gate.SetResult();
        await stopping.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Single(_jobs.Ran);
        Assert.Equal(1, _queues["jobs"].Count);
        // The count drops in the job task's own continuation, which may run just after the shutdown wait resumes.
        await Eventually.HoldsAsync(() => Task.FromResult(_state.InFlight == 0), 120);
    }

    /// <summary>
    /// Moves the fake clock a heartbeat at a time until the listener's loop has beaten twice more: whatever it was going
    /// to do before the first of those beats (fetch, or not) is done by the second. The seconds are only a hang guard.
    /// </summary>
    private async Task ListenerComesAroundAsync()
    {
        for (var round = 0; round < 2; round++)
        {
            var since = _time.GetUtcNow();
            await Eventually.HoldsAsync(() =>
            {
                var beaten = _state.Heartbeats.TryGetValue(QueueListener.LoopName, out var at) && at > since;
                if (!beaten)
                {
                    _time.Advance(Heartbeat);
                }

                return Task.FromResult(beaten);
            }, 120);
        }
    }

    private QueueListener Listener(int batchSize, int? newBatchThreshold, TimeSpan? grace = null, bool dynamic = false)
    {
        var queues = Options.Create(new QueuesOptions { BatchSize = batchSize, NewBatchThreshold = newBatchThreshold, MessageEncoding = "none" });
        var worker = Options.Create(new WorkerOptions { ShutdownGracePeriod = grace ?? TimeSpan.FromSeconds(30), HeartbeatInterval = Heartbeat });
        var storage = Options.Create(new StorageOptions { JobsQueueName = "jobs" });
        var processor = new QueueProcessor(_jobs, _queues, new ReplySender(_queues, queues), queues, worker, storage, NullLogger<QueueProcessor>.Instance);
        var concurrency = Options.Create(new ConcurrencyOptions { DynamicConcurrencyEnabled = dynamic });
        return new QueueListener(processor, _jobs, _queues, _state, queues, worker, storage, concurrency, new TestEnvironment(), _time, NullLogger<QueueListener>.Instance);
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
