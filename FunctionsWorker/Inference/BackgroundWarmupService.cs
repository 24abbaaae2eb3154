using Microsoft.Extensions.Hosting;

namespace FunctionsWorker.Inference;

/// <summary>
/// Owns the model cache's background warm-up (<see cref="ModelCache.WarmInBackgroundAsync"/>): the shapes past each
/// model's most common one, run after ready and only while the model is idle. Started once the server listens, like
/// every loop that needs the cache.
/// </summary>
internal sealed class BackgroundWarmupService(ModelCache cache) : BackgroundService
{
    /// <summary>How long it waits before looking again when every model is busy or has nothing left to warm.</summary>
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await cache.WarmInBackgroundAsync(IdleDelay, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the shapes not yet warmed simply stay cold.
        }
    }
}
