using FunctionsWorker.Errors;
using FunctionsWorker.Schema;
using FunctionsWorker.State;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Jobs;

/// <summary>
/// Runs one delivery: <see cref="JobClaimer"/> decides whether it runs the job, <see cref="JobExecutor"/> runs it;
/// whatever happens becomes a <see cref="JobOutcome"/>, and the state a failed attempt ends in is recorded here.
/// </summary>
internal sealed class JobProcessor(
    JobClaimer claimer,
    JobExecutor executor,
    JobRecordStore records,
    WorkerState state,
    TimeProvider time,
    ILogger<JobProcessor> logger) : IJobRunner
{
    public Task PrepareAsync(CancellationToken cancellationToken) => records.CreateIfNotExistsAsync(cancellationToken);

    public JobDelivery Read(JobEnvelope envelope) => claimer.Read(envelope);

    /// <param name="delivery">The delivery, body already decoded by the trigger and read once.</param>
    /// <param name="cancellationToken">Execution cancellation: fires when shutdown's grace period has run out.</param>
    public async Task<JobOutcome> RunAsync(JobDelivery delivery, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var envelope = delivery.Envelope;
        // Every line logged while this delivery is handled, pipelines' included, carries its identity.
        using var messageScope = logger.BeginScope("message {MessageId} dequeue {DequeueCount}", envelope.MessageId, envelope.DequeueCount);
        var record = claimer.NewRecord(delivery);
        if (delivery.Job is not { } job)
        {
            return JobOutcome.Failed(Elapsed(record, started), null, delivery.Invalid!);
        }

        var claimed = false;
        using (logger.BeginScope("job {JobId}", job.JobId))
        {
            try
            {
                if (await claimer.FinishIfCompletedAsync(job, record, envelope, cancellationToken).ConfigureAwait(false) is { } completed)
                {
                    return completed;
                }

                var (instead, held) = await claimer.ClaimAsync(job, record, envelope, cancellationToken).ConfigureAwait(false);
                if (instead is not null)
                {
                    return instead with { Record = Elapsed(instead.Record, started) };
                }

                record = held;
                claimed = true;
                if (!await executor.RunAsync(job, record, envelope, started, cancellationToken).ConfigureAwait(false))
                {
                    return new JobOutcome(JobOutcomeKind.Cancelled, Elapsed(record, started), job) { Claimed = true };
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new JobOutcome(JobOutcomeKind.Interrupted, Elapsed(record, started), job) { Claimed = claimed };
            }
            catch (Exception ex)
            {
                return JobOutcome.Failed(Elapsed(record, started), job, ex) with { Claimed = claimed };
            }
        }

        return await executor.CompleteAsync(Elapsed(record with { State = JobState.Succeeded, CompletedAt = time.GetUtcNow() }, started), job, envelope, cancellationToken)
            .ConfigureAwait(false);
    }

    // The reason the trigger gave is what gets recorded, under the jobId when the body has a valid one.
    public JobOutcome Reject(JobDelivery delivery, WorkerException reason) => JobOutcome.Failed(claimer.NewRecord(delivery), delivery.Job, reason);

    public async Task MarkPoisonedAsync(string recordKey, string poisonMessageId, CancellationToken cancellationToken)
    {
        try
        {
            await records.MarkPoisonedAsync(recordKey, poisonMessageId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            // The poison listing then finds the record by jobId only.
            Log.RecordWriteFailed(logger, recordKey, poisonMessageId, 0, StorageErrors.Describe(ex));
        }
    }

    public async Task<string?> FinishAsync(JobOutcome outcome, JobState next, CancellationToken cancellationToken)
    {
        var record = outcome.Record;
        var failed = record with
        {
            State = next,
            CompletedAt = next is JobState.Poisoned or JobState.Cancelled ? time.GetUtcNow() : null,
            ErrorType = outcome.ErrorType,
            ErrorMessage = outcome.Error,
            Permanent = outcome.Failure == FailureClass.Permanent,
        };
        if (outcome.Kind is JobOutcomeKind.Interrupted or JobOutcomeKind.Cancelled)
        {
            Log.JobReleased(logger, record.JobId, record.MessageId ?? string.Empty, record.Attempt, record.DurationMs ?? 0);
        }
        else
        {
            Log.JobFailed(logger, record.JobId, record.MessageId ?? string.Empty, record.Attempt, outcome.Failure ?? FailureClass.WorkerFault,
                outcome.ErrorType ?? string.Empty, next, record.DurationMs ?? 0, outcome.Error ?? string.Empty);
            state.RecordError($"job {record.JobId}", outcome.ErrorType ?? string.Empty, outcome.Error ?? string.Empty);
        }

        state.CountOutcome(next.ToString());
        try
        {
            if (outcome.Claimed)
            {
                await records.UpsertAsync(failed, cancellationToken).ConfigureAwait(false);
                return failed.JobId;
            }

            return await RecordUnclaimedAsync(failed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) || ex is IOException or TimeoutException)
        {
            // Storage itself is failing; the delivery's own fate still gets decided and logged.
            Log.RecordWriteFailed(logger, record.JobId, record.MessageId ?? string.Empty, record.Attempt, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The failure of a delivery that never held its job: recorded under the jobId unless that would overwrite a job
    /// that succeeded or that another delivery holds; then under <c>msg-&lt;messageId&gt;</c>, its own key.
    /// </summary>
    private async Task<string> RecordUnclaimedAsync(JobRecord failed, CancellationToken cancellationToken)
    {
        if (!JobIdRule.IsDeliveryKey(failed.JobId))
        {
            var stored = await records.GetStoredAsync(failed.JobId, cancellationToken).ConfigureAwait(false);
            var taken = stored?.Record is { State: JobState.Succeeded } or { State: JobState.Running } && stored.Record.MessageId != failed.MessageId;
            if (!taken && await records.TryReplaceAsync(failed, stored?.ETag, cancellationToken).ConfigureAwait(false))
            {
                return failed.JobId;
            }
        }

        var own = failed with { JobId = JobIdRule.ForDelivery(failed.MessageId) };
        await records.UpsertAsync(own, cancellationToken).ConfigureAwait(false);
        return own.JobId;
    }

    private JobRecord Elapsed(JobRecord record, long started) =>
        record with { DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds };
}
