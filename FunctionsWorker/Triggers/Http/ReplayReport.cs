namespace FunctionsWorker.Triggers.Http;

/// <summary>The body of <c>POST /api/poison/replay</c>: the poison messages sent back to the jobs queue.</summary>
public sealed record ReplayReport(int Replayed, IReadOnlyList<string> MessageIds);
