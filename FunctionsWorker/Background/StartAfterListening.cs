using Microsoft.Extensions.Options;

namespace FunctionsWorker.Background;

/// <summary>
/// Starts <typeparamref name="TService"/> once the server listens. The host constructs every hosted service before it
/// starts any, and starts the web server last, so a loop whose constructor resolves the storage clients, the pipelines
/// or the model cache would hold back the first health answer by that much. This stand-in is constructed empty; the
/// real service is resolved and started in <see cref="StartedAsync"/>, which the host calls after the server listens
/// and before ApplicationStarted, and a failure there still fails the start (exit code 1) as a constructor's would.
/// </summary>
internal sealed class StartAfterListening<TService>(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<HostOptions> host,
    ILogger<StartAfterListening<TService>> logger) : IHostedLifecycleService, IStartedAfterListening
    where TService : class, IHostedService
{
    private TService? _service;

    public IHostedService? Service => _service;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var service = services.GetRequiredService<TService>();
        await service.StartAsync(cancellationToken).ConfigureAwait(false);
        _service = service;
        if (service is BackgroundService { ExecuteTask: { } execution })
        {
            _ = WatchAsync(execution);
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _service?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The host watches only the background services it holds itself, and it holds this stand-in: a loop that dies
    // must still stop the host as HostOptions.BackgroundServiceExceptionBehavior says.
    private async Task WatchAsync(Task execution)
    {
        try
        {
            await execution.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Cancelled by the stop: the normal end of a loop.
        }
        catch (Exception ex)
        {
            Log.BackgroundServiceFaulted(logger, typeof(TService).Name, ex);
            if (host.Value.BackgroundServiceExceptionBehavior == BackgroundServiceExceptionBehavior.StopHost)
            {
                lifetime.StopApplication();
            }
        }
    }
}
