using Microsoft.Extensions.Options;
using FunctionsWorker.Configuration;
using FunctionsWorker.Errors;
using FunctionsWorker.Inference;
using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;
using FunctionsWorker.State;
using FunctionsWorker.Background;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// The queue trigger's fetch loop: fetches job messages with the Azure Functions storage-queue semantics (batchSize,
/// newBatchThreshold, empty-poll back-off) once the worker is warm, holds each under a renewed lease while the
/// <see cref="QueueProcessor"/> runs it, and on shutdown stops fetching, waits out the grace period and releases
/// what is left.
/// </summary>
public sealed class QueueListener : BackgroundService
{
    public const string LoopName = "queue-listener";

    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    private const int MaxMessagesPerReceive = 32;
    private const int StarvingWorkItemsPerCore = 8;

    private readonly QueueProcessor _processor;
    private readonly IJobRunner _jobs;
    private readonly WorkerState _state;
    private readonly QueuesOptions _queues;
    private readonly WorkerOptions _worker;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueListener> _logger;
    private readonly IMessageQueue _queue;
    private readonly CircuitBreaker _breaker;
    private readonly ConcurrencyController? _dynamic;
    private readonly JobSlots? _slots;

    private readonly CancellationTokenSource _execution = new();
    private readonly CancellationTokenSource _settle = new();
    private CancellationTokenSource? _settleDeadline;

    public QueueListener(
        QueueProcessor processor,
        IJobRunner jobs,
        IMessageQueues queues,
        WorkerState state,
        IOptions<QueuesOptions> queueOptions,
        IOptions<WorkerOptions> worker,
        IOptions<StorageOptions> storage,
        IOptions<ConcurrencyOptions> concurrency,
        IHostEnvironment environment,
        TimeProvider time,
        ILogger<QueueListener> logger,
        IInferenceLoad? inference = null)
    {
        _processor = processor;
        _jobs = jobs;
        _state = state;
        _queues = queueOptions.Value;
        _worker = worker.Value;
        _time = time;
        _logger = logger;
        _queue = queues.Get(storage.Value.JobsQueueName);
        _breaker = new CircuitBreaker(_worker.CircuitBreakerThreshold, _worker.CircuitBreakDuration, time);
        if (concurrency.Value.DynamicConcurrencyEnabled)
        {
            _dynamic = new ConcurrencyController(concurrency.Value.MaximumFunctionConcurrency, time, inference);
            _slots = new JobSlots(() => _dynamic.Limit);
        }

        MaxPollingInterval = _queues.MaxPollingInterval
            ?? (environment.IsDevelopment() ? TimeSpan.FromSeconds(2) : TimeSpan.FromMinutes(1));
    }

    public TimeSpan MaxPollingInterval { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _state.Beat(LoopName);
        while (!_state.WarmupComplete)
        {
            // Not warm, not fetching: jobs wait in the queue, not in this process's memory.
            await WaitWarmAsync(stoppingToken).ConfigureAwait(false);
            _state.Beat(LoopName);
        }

        await ConnectAsync(stoppingToken).ConfigureAwait(false);
        _state.SetListenerRunning(true);
        Log.ListenerStarted(_logger, _queue.Name, _dynamic is null ? "static (batchSize, newBatchThreshold)" : "dynamic", _queues.BatchSize,
            _queues.EffectiveNewBatchThreshold, _queues.MaxDequeueCount, _queues.VisibilityTimeout, MaxPollingInterval, _worker.LeaseDuration);

        var polling = new ExponentialBackoff(MinPollingInterval, MaxPollingInterval);
        var storageBackoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        while (!stoppingToken.IsCancellationRequested)
        {
            _state.Beat(LoopName);
            if (_breaker.OpenUntil is { } openUntil)
            {
                _state.SetCircuitOpenUntil(openUntil);
                await DelayAsync(openUntil - _time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                continue;
            }

            _state.SetCircuitOpenUntil(null);
            var wanted = Wanted();
            if (wanted <= 0)
            {
                // Full up: wait for a job to finish (in heartbeat-sized slices) before fetching more.
                await _state.Jobs.WaitForOneAsync(_worker.HeartbeatInterval, _time, stoppingToken).ConfigureAwait(false);
                continue;
            }

            IReadOnlyList<ReceivedMessage> messages;
            try
            {
                messages = await _queue.ReceiveAsync(wanted, _worker.LeaseDuration, stoppingToken).ConfigureAwait(false);
                storageBackoff.Reset();
                _state.SetStorage(true, null);
            }
            catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !stoppingToken.IsCancellationRequested)
            {
                // Storage lost (or the queue deleted): report not ready, back off, reconnect by itself.
                ReportStorageFailure(ex);
                await DelayAsync(storageBackoff.Next(), stoppingToken).ConfigureAwait(false);
                if (StorageErrors.AsRequestFailed(ex)?.IsNotFound() == true)
                {
                    await ConnectAsync(stoppingToken).ConfigureAwait(false);
                }

                continue;
            }

            if (messages.Count == 0)
            {
                await DelayAsync(polling.Next(), stoppingToken).ConfigureAwait(false);
                continue;
            }

            polling.Reset();
            foreach (var message in messages)
            {
                _state.Jobs.Track(ProcessMessageAsync(message, stoppingToken));
            }
        }
    }

    /// <summary>
    /// How many messages to fetch now. Static (Functions' semantics): a batch when in-flight jobs are at or below
    /// newBatchThreshold. Dynamic: what the learned concurrency plus the prefetch leaves room for, at most 32 (the
    /// service's maximum per receive).
    /// </summary>
    private int Wanted()
    {
        var inFlight = _state.Jobs.Count;
        if (_dynamic is null)
        {
            _state.SetConcurrency(_queues.EffectiveNewBatchThreshold + _queues.BatchSize);
            return inFlight > _queues.EffectiveNewBatchThreshold ? 0 : _queues.BatchSize;
        }

        // A pool with many queued work items per core is starving: more jobs would only slow every one down.
        _dynamic.Adjust(throttled: ThreadPool.PendingWorkItemCount > Environment.ProcessorCount * StarvingWorkItemsPerCore);
        _slots!.Pump();
        _state.SetConcurrency(_dynamic.Limit);
        return Math.Min(MaxMessagesPerReceive, _dynamic.Capacity - inFlight);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // First stop fetching; in-flight jobs keep running on the separate execution token.
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _state.SetDraining();
        _state.SetListenerRunning(false);
        _settleDeadline = new CancellationTokenSource(_worker.ExitDeadline, _time);
        _settleDeadline.Token.Register(_settle.Cancel);
        var running = _state.Jobs.Snapshot();
        Log.ShuttingDown(_logger, running.Length, _worker.ShutdownGracePeriod);
        try
        {
            await Task.WhenAll(running).WaitAsync(_worker.ShutdownGracePeriod, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Grace is over: cancel the jobs; each releases its message (visibility 0) for another worker.
            await _execution.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
        }

        Log.ShutdownComplete(_logger);
    }

    public override void Dispose()
    {
        _execution.Dispose();
        _settleDeadline?.Dispose();
        _settle.Dispose();
        base.Dispose();
    }

    private async Task ConnectAsync(CancellationToken stoppingToken)
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        while (true)
        {
            _state.Beat(LoopName);
            try
            {
                await _queue.CreateIfNotExistsAsync(stoppingToken).ConfigureAwait(false);
                await _jobs.PrepareAsync(stoppingToken).ConfigureAwait(false);
                _state.SetStorage(true, null);
                return;
            }
            catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !stoppingToken.IsCancellationRequested)
            {
                // Azurite not up yet, or the account unreachable: not ready, try again; never crash.
                ReportStorageFailure(ex);
                await DelayAsync(backoff.Next(), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ProcessMessageAsync(ReceivedMessage message, CancellationToken stoppingToken)
    {
        try
        {
            // Yield so the fetch loop hands out the whole batch before any job's synchronous part runs.
            await Task.Yield();
            await using var lease = new MessageLease(_queue, message, _worker.LeaseDuration, _time, _logger, _settle.Token);
            if (!await TryEnterSlotAsync(lease, stoppingToken).ConfigureAwait(false))
            {
                return;
            }

            JobOutcome outcome;
            try
            {
                var started = _time.GetTimestamp();
                outcome = await _processor.ProcessAsync(message, lease, _execution.Token, _settle.Token).ConfigureAwait(false);
                _dynamic?.JobCompleted(_time.GetElapsedTime(started));
            }
            finally
            {
                _slots?.Exit();
            }

            if (outcome.Failure == FailureClass.WorkerFault)
            {
                if (_breaker.RecordFault())
                {
                    Log.CircuitOpened(_logger, _worker.CircuitBreakerThreshold, _worker.CircuitBreakDuration);
                }
            }
            else
            {
                _breaker.RecordSuccess();
            }
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            // The message could not be settled; its lease lapses and it comes back, where the job record
            // makes a finished job's redelivery a no-op.
            Log.SettleFailed(_logger, message.MessageId, message.DequeueCount, StorageErrors.Describe(ex));
        }
        catch (Exception ex)
        {
            // Last line of defence: one message must never take the listener down.
            Log.UnexpectedMessageFailure(_logger, message.MessageId, message.DequeueCount, ex);
        }
    }

    /// <summary>
    /// Dynamic concurrency: waits until fewer than the limit run (the prefetched message waits here, under its lease).
    /// False when the worker began stopping first: the message goes back at once for another worker, never started.
    /// </summary>
    private async Task<bool> TryEnterSlotAsync(MessageLease lease, CancellationToken stoppingToken)
    {
        if (_slots is null)
        {
            return true;
        }

        try
        {
            _dynamic!.JobStarted(await _slots.EnterAsync(stoppingToken).ConfigureAwait(false));
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await lease.ReleaseAsync(TimeSpan.Zero).ConfigureAwait(false);
            Log.PrefetchReleased(_logger, lease.MessageId, lease.DequeueCount);
            return false;
        }
    }

    /// <summary>Waits for warm-up in heartbeat-sized slices, so a long warm-up never looks like a stuck loop.</summary>
    private async Task WaitWarmAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _state.WhenWarmAsync(stoppingToken).WaitAsync(_worker.HeartbeatInterval, _time, stoppingToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The slice is over; the caller beats and looks again.
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        var until = _time.GetUtcNow() + delay;
        for (var left = delay; left > TimeSpan.Zero; left = until - _time.GetUtcNow())
        {
            _state.Beat(LoopName);
            try
            {
                await Task.Delay(left < _worker.HeartbeatInterval ? left : _worker.HeartbeatInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void ReportStorageFailure(Exception ex)
    {
        var error = StorageErrors.Describe(ex);
        _state.SetStorage(false, error);
        Log.StorageUnavailable(_logger, _queue.Name, error);
    }
}
