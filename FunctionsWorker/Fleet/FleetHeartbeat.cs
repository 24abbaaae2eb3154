using FunctionsWorker.Configuration;
using FunctionsWorker.Health;
using FunctionsWorker.Inference;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;
using FunctionsWorker.State;

namespace FunctionsWorker.Fleet;

/// <summary>
/// Writes this worker's row in table <c>workers</c> every heartbeat interval and at every change of its phase, and
/// <c>stopped</c> on a clean shutdown, so the fleet view tells a silent worker (killed, hung, partitioned) from a live
/// one; prunes rows silent for longer than <c>worker.workerRetention</c>. Storage failures are reported, never fatal.
/// </summary>
internal sealed class FleetHeartbeat(
    WorkerRegistry registry,
    WorkerState state,
    WorkerHealth health,
    ModelCache models,
    IOptions<WorkerOptions> worker,
    TimeProvider time,
    ILogger<FleetHeartbeat> logger) : BackgroundService
{
    public const string LoopName = "fleet-heartbeat";

    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    // Pruning lists the whole table: once in this many beats is plenty.
    private const int PruneEvery = 60;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var beat = 0; !stoppingToken.IsCancellationRequested; beat++)
        {
            state.Beat(LoopName);
            var changed = state.Changed;
            await WriteAsync(health.Phase(), stoppingToken).ConfigureAwait(false);
            if (beat % PruneEvery == 0)
            {
                await PruneAsync(stoppingToken).ConfigureAwait(false);
            }

            try
            {
                await changed.WaitAsync(worker.Value.HeartbeatInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A heartbeat interval passed with no change: beat anyway.
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync("stopped", cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(string phase, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(WriteTimeout);
        try
        {
            await registry.UpsertAsync(Row(phase), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            Log.HeartbeatFailed(logger, state.WorkerId, StorageErrors.Describe(ex));
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pruned = await registry.PruneAsync(worker.Value.WorkerRetention, cancellationToken).ConfigureAwait(false);
            if (pruned > 0)
            {
                Log.WorkersPruned(logger, pruned, worker.Value.WorkerRetention);
            }
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            Log.HeartbeatFailed(logger, state.WorkerId, StorageErrors.Describe(ex));
        }
    }

    private WorkerRow Row(string phase)
    {
        var snapshot = models.GetSnapshot();
        var outcomes = state.Outcomes;
        var processed = outcomes.Values.Sum();
        return new WorkerRow
        {
            WorkerId = state.WorkerId,
            Host = Environment.MachineName,
            Version = WorkerState.Version,
            StartedAt = state.StartedAt,
            LastBeatAt = time.GetUtcNow(),
            State = phase,
            InFlight = state.InFlight,
            Concurrency = state.Concurrency,
            Processed = processed,
            Failed = processed - outcomes.GetValueOrDefault("Succeeded"),
            Device = snapshot.Device.Effective?.ToString() ?? $"none ({snapshot.Device.Requested} required)",
            Models = [.. snapshot.Models.Select(m => new WorkerModel(m.Name, m.State.ToString()))],
            HeartbeatIntervalMs = (long)worker.Value.HeartbeatInterval.TotalMilliseconds,
        };
    }
}
