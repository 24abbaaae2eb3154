namespace FunctionsWorker.Triggers.Queue;

/// <summary>A poison message a replay or delete matched but could not finish, and what state it was left in.</summary>
public sealed record PoisonMessageFailure(string MessageId, string? JobId, string Error);
