namespace FunctionsWorker.Triggers.Http;

/// <summary>The body of <c>DELETE /api/jobs/{jobId}</c>: the job's state now and whether its cancellation is requested.</summary>
public sealed record CancelReport(string JobId, string State, bool CancelRequested, string Detail);
