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
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<FleetHeartbeat> logger) : BackgroundService
{
    public const string LoopName = "fleet-heartbeat";

    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    // Left of the exit deadline for the rest of the shutdown after the stopped row (other services, the process exit).
    private static readonly TimeSpan ExitReserve = TimeSpan.FromMilliseconds(500);

    // Pruning lists the whole table: once in this many beats is plenty.
    private const int PruneEvery = 60;

    // When SIGTERM came: the stopped row is written only within the worker's exit deadline counted from it.
    private DateTimeOffset? _stoppingAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = lifetime.ApplicationStopping.Register(() => _stoppingAt = time.GetUtcNow());
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
        // The listener may have spent most of the settle margin on storage that hangs; the stopped row is a courtesy
        // (a silent worker is seen as stale after three beats anyway) and must not hold the exit past the deadline.
        var left = (_stoppingAt ?? time.GetUtcNow()) + worker.Value.ExitDeadline - ExitReserve - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            Log.StoppedRowSkipped(logger, state.WorkerId);
            return;
        }

        await WriteAsync("stopped", cancellationToken, left < WriteTimeout ? left : WriteTimeout).ConfigureAwait(false);
    }

    private async Task WriteAsync(string phase, CancellationToken cancellationToken, TimeSpan? within = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within ?? WriteTimeout);
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
