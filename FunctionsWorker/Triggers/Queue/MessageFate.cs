using FunctionsWorker.Jobs;


namespace FunctionsWorker.Triggers.Queue;

/// <summary>What happens to a message once its job has run, and the state its record ends the attempt in.</summary>
public readonly record struct MessageFate(MessageFateKind Kind, JobState State, TimeSpan Delay = default)
{
    public static MessageFate Delete { get; } = new(MessageFateKind.Delete, JobState.Succeeded);

    public static MessageFate Poison { get; } = new(MessageFateKind.Poison, JobState.Poisoned);

    public static MessageFate Release(JobState state, TimeSpan delay) => new(MessageFateKind.Release, state, delay);
}
