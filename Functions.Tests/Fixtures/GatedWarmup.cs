using FunctionsWorker.Health;


namespace Functions.Tests.Fixtures;

/// <summary>A warm-up that lasts until the test opens it.</summary>
public sealed class GatedWarmup : IWarmupTask
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "gated";

    public void Open() => _open.TrySetResult();

    public Task WarmAsync(CancellationToken cancellationToken) => _open.Task.WaitAsync(cancellationToken);
}
