namespace FunctionsWorker.Jobs;

/// <summary>One job's record in table <c>jobs</c>, as <c>GET /api/jobs/{jobId}</c> returns it.</summary>
public sealed record JobRecord
{
    public required string JobId { get; init; }

    public string? Pipeline { get; init; }

    public required JobState State { get; init; }

    /// <summary>The message's dequeue count at the last attempt.</summary>
    public long Attempt { get; init; }

    public string? MessageId { get; init; }

    public string? WorkerId { get; init; }

    public DateTimeOffset? EnqueuedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public long? QueueWaitMs { get; init; }

    public long? DurationMs { get; init; }

    public string? InputUri { get; init; }

    public string? OutputUri { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorMessage { get; init; }

    public bool Permanent { get; init; }

    /// <summary>SHA-256 of the job's content (pipeline, input, output, parameters): tells a re-send with other content from a redelivery.</summary>
    public string? ContentHash { get; init; }

    /// <summary>What happened to a later delivery of this job, when it was not run (for example a re-send whose content was ignored).</summary>
    public string? Note { get; init; }
}
