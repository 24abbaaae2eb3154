using FunctionsWorker.Jobs;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>A message in <c>&lt;queue&gt;-poison</c> with what its record says about why it is there.</summary>
public sealed record PoisonedMessage(
    string MessageId,
    DateTimeOffset? InsertedOn,
    string Text,
    string? JobId,
    string? ErrorType,
    string? ErrorMessage,
    JobState? State,
    int Replays);
