namespace FunctionsWorker.Jobs;

/// <summary>What the listener does with a message once its job has run.</summary>
public readonly record struct JobDisposition(JobDispositionKind Kind, TimeSpan Delay = default, FailureClass? Failure = null)
{
    public JobDisposition WithFailure(FailureClass failure) => this with { Failure = failure };

    public static JobDisposition Delete { get; } = new(JobDispositionKind.Delete);

    public static JobDisposition Poison { get; } = new(JobDispositionKind.Poison);

    public static JobDisposition Release(TimeSpan delay) => new(JobDispositionKind.Release, delay);
}
