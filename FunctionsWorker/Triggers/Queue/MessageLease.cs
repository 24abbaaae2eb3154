using Azure;
using FunctionsWorker.Storage;
using FunctionsWorker.Telemetry;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// Keeps a fetched message invisible while its job runs by renewing the visibility lease at half its length,
/// always holding the newest pop receipt for the final delete or release.
/// </summary>
public sealed class MessageLease : IAsyncDisposable
{
    private readonly IMessageQueue _queue;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationToken _settle;
    private readonly Task _renewal;
    private readonly object _gate = new();
    private string _popReceipt;

    /// <param name="settle">
    /// Bounds every call the lease makes (renewal in flight, delete, release): never cancelled while the worker runs,
    /// cancelled when shutdown's grace and margin are spent, so a storage endpoint that hangs cannot hold the process.
    /// </param>
    public MessageLease(IMessageQueue queue, ReceivedMessage message, TimeSpan duration, TimeProvider time, ILogger logger, CancellationToken settle = default)
    {
        _settle = settle;
        _queue = queue;
        _duration = duration;
        _time = time;
        _logger = logger;
        MessageId = message.MessageId;
        DequeueCount = message.DequeueCount;
        Text = message.Text;
        _popReceipt = message.PopReceipt;
        _renewal = RenewLoopAsync(_stop.Token);
    }

    public string MessageId { get; }

    public long DequeueCount { get; }

    /// <summary>The message's text exactly as stored, what the poison queue gets.</summary>
    public string Text { get; }

    /// <summary>True once a renewal found the message gone or taken by another worker: the job's result must not be trusted to this lease.</summary>
    public bool Lost { get; private set; }

    /// <summary>Renewals that succeeded, for tests and diagnostics.</summary>
    public int Renewals { get; private set; }

    // Read by the final delete or release only after the renewal loop has ended; the lock keeps that obvious.
    private string PopReceipt
    {
        get { lock (_gate) { return _popReceipt; } }
        set { lock (_gate) { _popReceipt = value; } }
    }

    public async Task DeleteAsync()
    {
        await StopRenewingAsync().ConfigureAwait(false);
        // Not the job's cancellation: a stopping host must still finish the message it holds, within the settle bound.
        await _queue.DeleteAsync(MessageId, PopReceipt, _settle).ConfigureAwait(false);
    }

    /// <summary>Makes the message visible again after <paramref name="delay"/> (0 = at once).</summary>
    public async Task ReleaseAsync(TimeSpan delay)
    {
        await StopRenewingAsync().ConfigureAwait(false);
        await _queue.UpdateVisibilityAsync(MessageId, PopReceipt, delay, _settle).ConfigureAwait(false);
    }

    private async Task StopRenewingAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        await _renewal.ConfigureAwait(false);
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            var wait = _duration / 2;
            while (true)
            {
                // Only the wait is cancelled: a renewal already sent must finish, or its new pop receipt would be
                // lost and the final delete would fail with PopReceiptMismatch.
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                try
                {
                    PopReceipt = await _queue.UpdateVisibilityAsync(MessageId, PopReceipt, _duration, _settle).ConfigureAwait(false);
                    Renewals++;
                    WorkerTelemetry.LeaseRenewed();
                    wait = _duration / 2;
                }
                catch (RequestFailedException ex) when (ex.IsMessageGone() || ex.IsPopReceiptMismatch())
                {
                    Lost = true;
                    WorkerTelemetry.LeaseLost();
                    Log.LeaseLost(_logger, MessageId, DequeueCount, ex.ErrorCode);
                    return;
                }
                catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !_settle.IsCancellationRequested)
                {
                    // Half the lease is left at most: try again soon rather than at the next half-lease, when it ends.
                    wait = _duration / 8;
                    Log.LeaseRenewalFailed(_logger, MessageId, DequeueCount, StorageErrors.Describe(ex));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _settle.IsCancellationRequested)
        {
            // Stopped by the final delete or release, or the shutdown's settle bound ran out.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
