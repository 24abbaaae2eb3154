using Microsoft.Extensions.Options;
using FunctionsWorker.Errors;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Schema;
using FunctionsWorker.State;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Jobs;

/// <summary>
/// The first half of a job: reads the body once and validates it, then decides whether this delivery runs the job:
/// a job whose <c>result.json</c> exists is finished, never run again; otherwise the delivery claims the job with a
/// conditional write of its <c>Running</c> record, unless the job already succeeded, was cancelled or is held by
/// another delivery.
/// </summary>
internal sealed class JobClaimer(
    JobRecordStore records,
    JobBlobs blobs,
    WorkerState state,
    PipelineRegistry pipelines,
    IOptions<ContainerAccessOptions> access,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<JobClaimer> logger)
{
    private readonly JobRules _rules = new(
        pipelines.Names,
        access.Value.InputContainers,
        access.Value.OutputContainers,
        new[] { storage.Value.JobsQueueName, storage.Value.PoisonQueueName }.OfType<string>().ToHashSet(StringComparer.Ordinal),
        access.Value.ReplyQueues);

    public JobDelivery Read(JobEnvelope envelope) => JobMessageParser.Read(envelope, _rules);

    /// <summary>
    /// The delivery's record as it starts: under the body's jobId when it has a valid one, else under
    /// <c>msg-&lt;messageId&gt;</c>, so even garbage leaves a trace; with the job's fields when the body is valid.
    /// </summary>
    public JobRecord NewRecord(JobDelivery delivery)
    {
        var envelope = delivery.Envelope;
        var startedAt = time.GetUtcNow();
        var record = new JobRecord
        {
            JobId = delivery.JobId ?? JobIdRule.ForDelivery(envelope.MessageId),
            State = JobState.Running,
            Attempt = envelope.DequeueCount,
            MessageId = envelope.MessageId,
            WorkerId = state.WorkerId,
            EnqueuedAt = envelope.InsertedOn,
            StartedAt = startedAt,
            QueueWaitMs = envelope.InsertedOn is { } inserted ? (long)(startedAt - inserted).TotalMilliseconds : null,
        };
        return delivery.Job is not { } job ? record : record with
        {
            Pipeline = job.Pipeline,
            ContentHash = job.ContentHash(),
            InputUri = blobs.Address(job.Input.Container, job.Input.Blob),
            OutputUri = blobs.Address(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName),
        };
    }

    /// <summary>
    /// The outcome of a delivery whose job's <c>result.json</c> exists (the completion marker): its <c>Succeeded</c>
    /// record is written if it is not yet, and the job is never run again. Null when there is no marker.
    /// </summary>
    public async Task<JobOutcome?> FinishIfCompletedAsync(JobMessage job, JobRecord record, JobEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!await blobs.ExistsAsync(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            var stored = await records.GetStoredAsync(job.JobId, cancellationToken).ConfigureAwait(false);
            if (stored?.Record.State == JobState.Succeeded)
            {
                return await IgnoreResendAsync(job, stored, envelope, cancellationToken).ConfigureAwait(false);
            }

            var succeeded = (stored?.Record ?? record) with { State = JobState.Succeeded, CompletedAt = time.GetUtcNow(), ErrorType = null, ErrorMessage = null, Permanent = false };
            await records.UpsertAsync(succeeded, cancellationToken).ConfigureAwait(false);
            Log.JobCompletionRecorded(logger, job.JobId, envelope.MessageId, envelope.DequeueCount);
            return new JobOutcome(JobOutcomeKind.Succeeded, succeeded, job);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            Log.RecordWriteFailed(logger, job.JobId, envelope.MessageId, envelope.DequeueCount, StorageErrors.Describe(ex));
            return new JobOutcome(JobOutcomeKind.Unfinished, record, job, FailureClass.Transient, "storage-unavailable", ex.Message);
        }
    }

    /// <summary>
    /// Takes the job for this delivery with a conditional write of its <c>Running</c> record; Instead is null when it
    /// is ours to run. Otherwise the outcome to return instead: the job already succeeded (perhaps with other content,
    /// which is ignored), another delivery holds it, or the trigger refused to let this delivery start it.
    /// </summary>
    public async Task<(JobOutcome? Instead, JobRecord Claimed)> ClaimAsync(JobMessage job, JobRecord record, JobEnvelope envelope, CancellationToken cancellationToken)
    {
        // A job's first delivery finds no record, so its claim is the insert the loop below would make after reading
        // nothing: try it first and save the read. The insert fails when any record exists (held, succeeded, cancelled,
        // failed before), and the loop then reads it and decides exactly as it always has.
        if (envelope.Refusal is null && await records.TryReplaceAsync(record, null, cancellationToken).ConfigureAwait(false))
        {
            return (null, record);
        }

        while (true)
        {
            var stored = await records.GetStoredAsync(job.JobId, cancellationToken).ConfigureAwait(false);
            if (stored?.Record is { State: JobState.Cancelled } or { CancelRequested: true, State: not JobState.Running })
            {
                // Cancelled while it waited in the queue: acknowledged without running.
                return (new JobOutcome(JobOutcomeKind.Cancelled, record, job) { Claimed = true }, record);
            }

            if (stored?.Record is { State: JobState.Succeeded })
            {
                return (await IgnoreResendAsync(job, stored, envelope, cancellationToken).ConfigureAwait(false), record);
            }

            if (stored?.Record is { State: JobState.Running } holder && holder.MessageId != envelope.MessageId)
            {
                Log.JobHeldElsewhere(logger, job.JobId, envelope.MessageId, envelope.DequeueCount, holder.MessageId ?? string.Empty, holder.WorkerId ?? string.Empty);
                return (new JobOutcome(JobOutcomeKind.InProgress, stored.Record, job), record);
            }

            if (envelope.Refusal is { } refusal)
            {
                return (JobOutcome.Failed(record, job, refusal) with { Claimed = true }, record);
            }

            // A replayed job keeps its replay count and mark (a poison copy whose delete failed is still recognised).
            var claimed = record with { Replays = stored?.Record.Replays ?? 0, ReplayedPoisonMessageId = stored?.Record.ReplayedPoisonMessageId };
            if (await records.TryReplaceAsync(claimed, stored?.ETag, cancellationToken).ConfigureAwait(false))
            {
                return (null, claimed);
            }

            // Another delivery wrote the record between our read and our write: read again and decide again.
        }
    }

    /// <summary>A delivery of a job that already succeeded is acknowledged; a re-send with other content is noted, never run.</summary>
    private async Task<JobOutcome> IgnoreResendAsync(JobMessage job, StoredRecord stored, JobEnvelope envelope, CancellationToken cancellationToken)
    {
        var done = stored.Record;
        if (done.ContentHash is null || done.ContentHash == job.ContentHash())
        {
            Log.JobAlreadySucceeded(logger, job.JobId, envelope.MessageId, envelope.DequeueCount);
            return new JobOutcome(JobOutcomeKind.Succeeded, done, job);
        }

        var note = $"Message {envelope.MessageId} at {time.GetUtcNow():O} re-sent job {job.JobId} with other content; ignored: the job already succeeded (jobId is the idempotency key: use a new jobId for new work).";
        Log.ResendIgnored(logger, job.JobId, envelope.MessageId, envelope.DequeueCount);
        // Best effort: the note is for operators; losing the race to another writer loses only the note.
        await records.TryReplaceAsync(done with { Note = note }, stored.ETag, cancellationToken).ConfigureAwait(false);
        return new JobOutcome(JobOutcomeKind.Succeeded, done with { Note = note }, job) { Ignored = note };
    }
}
