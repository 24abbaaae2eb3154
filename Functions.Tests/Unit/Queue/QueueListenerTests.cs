using Functions.Tests.Fixtures;
using FunctionsWorker.Configuration;
using FunctionsWorker.Health;
using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Unit.Queue;

public sealed class QueueListenerTests
{
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
        await Eventually.HoldsAsync(() => Task.FromResult(_jobs.Ran.Count == 2), 5);
        await Task.Delay(200);
        Assert.Equal(2, _jobs.Ran.Count);
        Assert.Equal(2, _state.InFlight);
        Assert.Equal(8, _queues["jobs"].VisibleCount);

        // Jobs finish: the listener fetches again and runs the rest.
        _jobs.Gate.SetResult();
        await Eventually.HoldsAsync(() => Task.FromResult(_queues["jobs"].Count == 0), 10);
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
        await Task.Delay(200);

        Assert.Equal(0, _queues["jobs"].Receives);
        _state.MarkWarm();
        await Eventually.HoldsAsync(() => Task.FromResult(_queues["jobs"].Count == 0), 5);
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
        await Eventually.HoldsAsync(() => Task.FromResult(_jobs.Ran.Count == 1), 5);

        var stopping = listener.StopAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(stopping.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(5));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

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
        await Eventually.HoldsAsync(() => Task.FromResult(_jobs.Ran.Count == 1 && _queues["jobs"].VisibleCount == 22), 5);
        await Task.Delay(200);
        Assert.Single(_jobs.Ran);
        Assert.Equal(2, _state.InFlight);
        Assert.Equal(22, _queues["jobs"].VisibleCount);
        Assert.Equal(1, _state.Concurrency);

        _jobs.Gate.SetResult();
        await Eventually.HoldsAsync(() => Task.FromResult(_queues["jobs"].Count == 0), 10);
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
        await Eventually.HoldsAsync(() => Task.FromResult(_jobs.Ran.Count == 1 && _state.InFlight == 2), 5);

        // Stopping gives the prefetched message back at once, visible for another worker; the running job keeps its grace.
        var stopping = listener.StopAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(_queues["jobs"].VisibleCount == 1), 5);
        Assert.Single(_jobs.Ran);
        _jobs.Gate.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Single(_jobs.Ran);
        Assert.Equal(1, _queues["jobs"].Count);
        Assert.Equal(0, _state.InFlight);
    }

    private QueueListener Listener(int batchSize, int? newBatchThreshold, TimeSpan? grace = null, bool dynamic = false)
    {
        var queues = Options.Create(new QueuesOptions { BatchSize = batchSize, NewBatchThreshold = newBatchThreshold, MessageEncoding = "none" });
        var worker = Options.Create(new WorkerOptions { ShutdownGracePeriod = grace ?? TimeSpan.FromSeconds(30) });
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
