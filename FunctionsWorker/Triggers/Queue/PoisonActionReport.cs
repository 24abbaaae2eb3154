namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// What one replay or delete of poison messages did, message by message: the ids it finished, those it could not
/// (with why and how each was left), and why the scan stopped early, if it did.
/// </summary>
public sealed record PoisonActionReport(IReadOnlyList<string> Done, IReadOnlyList<PoisonMessageFailure> Failed, string? Stopped);
