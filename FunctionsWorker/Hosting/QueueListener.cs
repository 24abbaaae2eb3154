using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Hosting;

/// <summary>
/// The queue trigger: fetches job messages with the Azure Functions storage-queue semantics (batchSize,
/// newBatchThreshold, empty-poll back-off, maxDequeueCount, poison queue) once the worker is warm, holds each
/// under a renewed lease while its job runs, and on shutdown stops fetching, waits out the grace period and
/// releases what is left.
/// </summary>
public sealed class QueueListener : BackgroundService
{
    public const string LoopName = "queue-listener";

    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly JobProcessor _processor;
    private readonly JobRecordStore _records;
    private readonly WorkerState _state;
    private readonly QueuesOptions _queues;
    private readonly WorkerOptions _worker;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueListener> _logger;
    private readonly QueueClient _queue;
    private readonly QueueClient? _poisonQueue;
    private readonly CircuitBreaker _breaker;
    private readonly CancellationTokenSource _execution = new();
    private readonly HashSet<Task> _inFlight = [];
    private readonly SemaphoreSlim _jobFinished = new(0);

    public QueueListener(
        JobProcessor processor,
        JobRecordStore records,
        StorageClients clients,
        WorkerState state,
        IOptions<QueuesOptions> queues,
        IOptions<WorkerOptions> worker,
        IOptions<StorageOptions> storage,
        IHostEnvironment environment,
        TimeProvider time,
        ILogger<QueueListener> logger)
    {
        _processor = processor;
        _records = records;
        _state = state;
        _queues = queues.Value;
        _worker = worker.Value;
        _time = time;
        _logger = logger;
        _queue = clients.Queues.GetQueueClient(storage.Value.JobsQueueName);
        _poisonQueue = storage.Value.PoisonQueueName is { } poison ? clients.Queues.GetQueueClient(poison) : null;
        _breaker = new CircuitBreaker(_worker.CircuitBreakerThreshold, _worker.CircuitBreakDuration, time);
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
        Log.ListenerStarted(_logger, _queue.Name, _queues.BatchSize, _queues.EffectiveNewBatchThreshold, _queues.MaxDequeueCount,
            _queues.VisibilityTimeout, MaxPollingInterval, _worker.LeaseDuration);

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
            if (_state.InFlight > _queues.EffectiveNewBatchThreshold)
            {
                // Full up: wait for a job to finish (in heartbeat-sized slices) before fetching more.
                await _jobFinished.WaitAsync(_worker.HeartbeatInterval, stoppingToken).ConfigureAwait(false);
                continue;
            }

            QueueMessage[] messages;
            try
            {
                messages = (await _queue.ReceiveMessagesAsync(_queues.BatchSize, _worker.LeaseDuration, stoppingToken).ConfigureAwait(false)).Value;
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

            if (messages.Length == 0)
            {
                await DelayAsync(polling.Next(), stoppingToken).ConfigureAwait(false);
                continue;
            }

            polling.Reset();
            foreach (var message in messages)
            {
                Track(ProcessMessageAsync(message));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // First stop fetching; in-flight jobs keep running on the separate execution token.
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _state.SetListenerRunning(false);
        Task[] running;
        lock (_inFlight)
        {
            running = [.. _inFlight];
        }

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
        _jobFinished.Dispose();
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
                await _queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                await _records.CreateIfNotExistsAsync(stoppingToken).ConfigureAwait(false);
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

    private void Track(Task job)
    {
        lock (_inFlight)
        {
            _inFlight.Add(job);
        }

        _ = job.ContinueWith(
            finished =>
            {
                lock (_inFlight)
                {
                    _inFlight.Remove(finished);
                }

                _jobFinished.Release();
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task ProcessMessageAsync(QueueMessage message)
    {
        _state.JobStarted();
        try
        {
            // Yield so the fetch loop hands out the whole batch before any job's synchronous part runs.
            await Task.Yield();
            await using var lease = new MessageLease(_queue, message, _worker.LeaseDuration, _time, _logger);
            var disposition = await _processor.ProcessAsync(message, _execution.Token).ConfigureAwait(false);
            if (disposition.Failure == FailureClass.WorkerFault)
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

            await SettleAsync(message, lease, disposition).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            // The message could not be settled; its lease lapses and it comes back, where the job record
            // makes a finished job's redelivery a no-op.
            var failed = StorageErrors.AsRequestFailed(ex);
            Log.SettleFailed(_logger, message.MessageId, message.DequeueCount, failed?.Status ?? 0, failed?.ErrorCode ?? FirstLine(ex.Message));
        }
        catch (Exception ex)
        {
            // Last line of defence: one message must never take the listener down.
            Log.UnexpectedMessageFailure(_logger, message.MessageId, message.DequeueCount, ex);
        }
        finally
        {
            _state.JobFinished();
        }
    }

    private async Task SettleAsync(QueueMessage message, MessageLease lease, JobDisposition disposition)
    {
        if (lease.Lost)
        {
            // The message was gone or taken by another worker mid-job: nothing of it is ours to delete or release.
            Log.SettleSkipped(_logger, message.MessageId, message.DequeueCount, disposition.Kind);
            return;
        }

        if (disposition.Kind == JobDispositionKind.Poison && _poisonQueue is not null)
        {
            // CancellationToken.None throughout: a stopping host must not leave a message half-moved.
            await StorageErrors.CreatingIfMissingAsync(
                () => _poisonQueue.SendMessageAsync(message.MessageText, CancellationToken.None),
                () => _poisonQueue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None)).ConfigureAwait(false);
            await lease.DeleteAsync().ConfigureAwait(false);
            Log.MovedToPoison(_logger, message.MessageId, message.DequeueCount, _poisonQueue.Name);
        }
        else if (disposition.Kind == JobDispositionKind.Delete)
        {
            await lease.DeleteAsync().ConfigureAwait(false);
        }
        else
        {
            await lease.ReleaseAsync(disposition.Delay).ConfigureAwait(false);
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
        var failed = StorageErrors.AsRequestFailed(ex);
        var error = $"{failed?.Status} {failed?.ErrorCode}: {FirstLine(failed?.Message ?? ex.Message)}".Trim();
        _state.SetStorage(false, error);
        Log.StorageUnavailable(_logger, _queue.Name, error);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
