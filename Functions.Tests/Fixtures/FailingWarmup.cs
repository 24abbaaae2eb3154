using FunctionsWorker.Health;


namespace Functions.Tests.Fixtures;

/// <summary>A warm-up that fails a set number of times before it succeeds.</summary>
public sealed class FailingWarmup(int failures) : IWarmupTask
{
    private int _attempts;

    public string Name => "flaky-store";

    public int Attempts => Volatile.Read(ref _attempts);

    public Task WarmAsync(CancellationToken cancellationToken) =>
        Interlocked.Increment(ref _attempts) <= failures
            ? Task.FromException(new InvalidOperationException("model store offline"))
            : Task.CompletedTask;
}
