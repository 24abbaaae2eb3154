namespace FunctionsWorker.Triggers.Http;

/// <summary>The body of <c>GET /api/ready</c>.</summary>
public sealed record ReadinessReport(bool Ready, IReadOnlyList<string> Reasons);
