using FunctionsWorker.Triggers.Queue;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// The body of <c>POST /api/poison/replay</c>: the poison messages sent back to the jobs queue, those that could not be
/// (each with how it was left), and why the scan stopped early, if it did.
/// </summary>
public sealed record ReplayReport(int Replayed, IReadOnlyList<string> MessageIds, IReadOnlyList<PoisonMessageFailure> Failed, string? Stopped);
