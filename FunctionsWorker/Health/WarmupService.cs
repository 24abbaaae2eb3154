using Microsoft.Extensions.Options;
using FunctionsWorker.Errors;
using FunctionsWorker.State;
using FunctionsWorker.Background;

namespace FunctionsWorker.Health;

/// <summary>
/// Runs every <see cref="IWarmupTask"/> once the HTTP server listens, so health answers at once whatever the
/// models cost; a failing task is reported and retried with back-off, never ending the process.
/// </summary>
public sealed class WarmupService(
    IEnumerable<IWarmupTask> tasks,
    WorkerState state,
    IHostApplicationLifetime lifetime,
    IOptions<WarmupOptions> options,
    TimeProvider time,
    ILogger<WarmupService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = tasks.ToArray();
        foreach (var task in all)
        {
            state.SetWarmup(new WarmupTaskStatus(task.Name, "Pending", 0, null, null));
        }

        try
        {
            // ApplicationStarted fires once Kestrel listens: warm-up never delays the first health answer.
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStarted.IsCancellationRequested)
        {
        }

        await Task.WhenAll(all.Select(task => WarmWithRetryAsync(task, stoppingToken))).ConfigureAwait(false);
        state.MarkWarm();
        Log.WarmupComplete(logger, all.Length);
    }

    private async Task WarmWithRetryAsync(IWarmupTask task, CancellationToken stoppingToken)
    {
        var backoff = new ExponentialBackoff(options.Value.RetryMinimum, options.Value.RetryMaximum);
        string? lastError = null;
        for (var attempt = 1; ; attempt++)
        {
            // A retry keeps the last failure in view: readiness must not lose the reason while the next attempt runs.
            state.SetWarmup(new WarmupTaskStatus(task.Name, "Running", attempt, lastError, null));
            try
            {
                await task.WarmAsync(stoppingToken).ConfigureAwait(false);
                state.SetWarmup(new WarmupTaskStatus(task.Name, "Ready", attempt, null, null));
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Reported in health/ready/status and retried; the process stays up to say what went wrong.
                var delay = backoff.Next();
                lastError = ex.Message;
                state.SetWarmup(new WarmupTaskStatus(task.Name, "Failed", attempt, ex.Message, time.GetUtcNow() + delay));
                state.RecordError($"warm-up {task.Name}", ex is WorkerException worker ? worker.ErrorType : ex.GetType().Name, ex.Message);
                Log.WarmupFailed(logger, task.Name, attempt, delay, ex.Message);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
