using FunctionsWorker.Configuration;
using Microsoft.Extensions.Options;
using FunctionsWorker.State;

namespace FunctionsWorker.Storage;

/// <summary>
/// Asks storage once a heartbeat whether it answers (the jobs queue's properties, with a short timeout of its own), so
/// readiness turns 503 with the reason within a heartbeat and a probe timeout when storage stops answering, even while
/// the queue listener sits inside a long SDK call, and turns back by itself when storage answers again.
/// </summary>
internal sealed class StorageProbe(
    StorageClients clients,
    WorkerState state,
    IOptions<StorageOptions> storage,
    IOptions<WorkerOptions> worker,
    TimeProvider time,
    ILogger<StorageProbe> logger) : BackgroundService
{
    public const string LoopName = "storage-probe";

    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = clients.Queues.GetQueueClient(storage.Value.JobsQueueName);
        while (!stoppingToken.IsCancellationRequested)
        {
            state.Beat(LoopName);
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                timeout.CancelAfter(ProbeTimeout);
                try
                {
                    await queue.GetPropertiesAsync(timeout.Token).ConfigureAwait(false);
                    state.SetStorage(true, null);
                }
                catch (Azure.RequestFailedException ex) when (ex.IsNotFound())
                {
                    // The account answers; the queue is (re)created by the listener.
                    state.SetStorage(true, null);
                }
                catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !stoppingToken.IsCancellationRequested)
                {
                    var error = timeout.IsCancellationRequested ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : StorageErrors.Describe(ex);
                    if (state.StorageReachable || state.StorageError != error)
                    {
                        Log.StorageProbeFailed(logger, storage.Value.JobsQueueName, error);
                    }

                    state.SetStorage(false, error);
                }
            }

            try
            {
                await Task.Delay(worker.Value.HeartbeatInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
