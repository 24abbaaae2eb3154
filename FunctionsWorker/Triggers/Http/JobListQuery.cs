using FunctionsWorker.Jobs;

namespace FunctionsWorker.Triggers.Http;

/// <summary>One <c>GET /api/jobs</c> question: the key under which its page is shared.</summary>
internal sealed record JobListQuery(JobState? State, string? Pipeline, DateTimeOffset? Since, JobPageToken? After, int Top);
