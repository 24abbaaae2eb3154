using Microsoft.Extensions.Hosting;
using FunctionsWorker.State;

namespace Functions.Tests.Fixtures;

/// <summary>A background loop that beats once and then hangs forever, as a deadlocked loop would.</summary>
public sealed class HangingLoop(WorkerState state) : BackgroundService
{
    public const string LoopName = "hanging-loop";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.Beat(LoopName);
        await Task.Delay(Timeout.Infinite, stoppingToken);
    }
}
