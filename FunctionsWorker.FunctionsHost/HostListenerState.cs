using Microsoft.Extensions.Hosting;
using FunctionsWorker.State;

namespace FunctionsWorker.FunctionsHost;

/// <summary>
/// Under the Functions host the host's queue trigger is the listener: readiness must not wait for the self-hosted
/// worker's own listener, which never runs here. Warm-up and storage still decide <c>/api/ready</c>.
/// </summary>
internal sealed class HostListenerState(WorkerState state) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        state.SetListenerRunning(true);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        state.SetListenerRunning(false);
        return Task.CompletedTask;
    }
}
