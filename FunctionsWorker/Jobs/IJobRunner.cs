using FunctionsWorker.Errors;

namespace FunctionsWorker.Jobs;

/// <summary>
/// Runs jobs and keeps their records; knows nothing of queue messages. A trigger hands it deliveries, decides each
/// delivery's fate from the outcome, and tells it the state a failed attempt ends in.
/// </summary>
public interface IJobRunner
{
    /// <summary>Makes sure the record store exists (called when the trigger connects).</summary>
    Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Reads a delivery's body, once: every later step gets the <see cref="JobDelivery"/>, never the text again.</summary>
    JobDelivery Read(JobEnvelope envelope);

    /// <summary>Validates, claims and runs one delivery; never throws for anything the job or its producer did wrong.</summary>
    Task<JobOutcome> RunAsync(JobDelivery delivery, CancellationToken cancellationToken);

    /// <summary>The outcome of a delivery the trigger refuses to run (an unreadable body).</summary>
    JobOutcome Reject(JobDelivery delivery, WorkerException reason);

    /// <summary>
    /// Records the state a failed, cancelled or interrupted attempt ends in; returns the key of the record written, or
    /// null when storage refused the write (the trigger then keeps the message, so its fate is never decided unrecorded).
    /// </summary>
    Task<string?> FinishAsync(JobOutcome outcome, JobState state, CancellationToken cancellationToken);

    /// <summary>Notes on the record under <paramref name="recordKey"/> the id its message has in the poison queue.</summary>
    Task MarkPoisonedAsync(string recordKey, string poisonMessageId, CancellationToken cancellationToken);
}
