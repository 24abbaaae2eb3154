namespace FunctionsWorker.State;

/// <summary>One of the last errors the worker saw, shown by <c>/api/status</c>.</summary>
public sealed record RecentError(DateTimeOffset At, string Source, string ErrorType, string Message);
