namespace FunctionsWorker.Triggers.Http;

/// <summary><c>/api/status</c> <c>storage</c>: the account (never its key), whether it answers, and the last error.</summary>
public sealed record StorageReport(string Account, bool Reachable, string? Error);
