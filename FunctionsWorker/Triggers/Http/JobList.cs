using FunctionsWorker.Jobs;

namespace FunctionsWorker.Triggers.Http;

/// <summary>The body of <c>GET /api/jobs</c>: a page of records, newest first, and the token for the next page (null at the end).</summary>
public sealed record JobList(IReadOnlyList<JobRecord> Jobs, string? Continuation);
