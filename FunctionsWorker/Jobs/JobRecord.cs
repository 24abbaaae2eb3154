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

    /// <summary>The stage the pipeline last reported (for example <c>recognize</c>), its fraction done (0-1) and message.</summary>
    public string? ProgressStage { get; init; }

    public double? ProgressFraction { get; init; }

    public string? ProgressMessage { get; init; }

    /// <summary>Set by <c>DELETE /api/jobs/{jobId}</c>: the job is stopped at its next check and ends <c>Cancelled</c>.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>How often the job's message was replayed from the poison queue.</summary>
    public int Replays { get; init; }

    /// <summary>The id of the job's message in <c>&lt;queue&gt;-poison</c>, once poisoned.</summary>
    public string? PoisonMessageId { get; init; }

    /// <summary>
    /// The poison message whose copy was last sent back to the jobs queue: a replay that finds its own message id here
    /// only deletes the poison copy, so a replay retried after a failed delete never enqueues the job twice.
    /// </summary>
    public string? ReplayedPoisonMessageId { get; init; }

    /// <summary>Not stored: set by <c>GET /api/jobs/{jobId}</c> when the worker running the job has gone silent.</summary>
    public bool? WorkerStale { get; init; }

    /// <summary>What happened to a later delivery of this job, when it was not run (for example a re-send whose content was ignored).</summary>
    public string? Note { get; init; }
}
