namespace FunctionsWorker.Fleet;

/// <summary><c>/api/status</c> <c>fleet</c>: workers ready, stale (silent), and in all (stopped ones included until pruned).</summary>
public sealed record FleetSummary(int Ready, int Stale, int Total);
