using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using FunctionsWorker.Configuration;
using FunctionsWorker.Errors;
using FunctionsWorker.Imaging;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Storage;
using FunctionsWorker.Telemetry;
using FunctionsWorker.State;

namespace FunctionsWorker.Jobs;

/// <summary>
/// Runs one job: parse and validate, skip a job that already succeeded, read the input, run the pipeline under
/// <c>functionTimeout</c>, write outputs then <c>result.json</c>, keep the record.
/// </summary>
public sealed class JobProcessor(
    PipelineRegistry pipelines,
    JobRecordStore records,
    JobBlobs blobs,
    WorkerState state,
    IOptions<WorkerOptions> worker,
    IOptions<ImagingOptions> imaging,
    IOptions<ContainerAccessOptions> access,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<JobProcessor> logger) : IJobRunner
{
    private static readonly JsonSerializerOptions ResultJson = new() { WriteIndented = true };

    private readonly JobRules _rules = new(
        pipelines.Names,
        access.Value.InputContainers,
        access.Value.OutputContainers,
        new[] { storage.Value.JobsQueueName, storage.Value.PoisonQueueName }.OfType<string>().ToHashSet(StringComparer.Ordinal),
        access.Value.ReplyQueues);

    public Task PrepareAsync(CancellationToken cancellationToken) => records.CreateIfNotExistsAsync(cancellationToken);

    /// <param name="envelope">The delivery, body already decoded by the trigger.</param>
    /// <param name="cancellationToken">Execution cancellation: fires when shutdown's grace period has run out.</param>
    public async Task<JobOutcome> RunAsync(JobEnvelope envelope, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        // Every line logged while this delivery is handled, pipelines' included, carries its identity.
        using var messageScope = logger.BeginScope("message {MessageId} dequeue {DequeueCount}", envelope.MessageId, envelope.DequeueCount);
        IDisposable? jobScope = null;
        var record = NewRecord(envelope);
        JobMessage? job = null;
        var claimed = false;

        try
        {
            try
            {
                (job, record) = Parse(envelope, record);
            }
            catch (InvalidJobException ex)
            {
                return JobOutcome.Failed(Elapsed(KeyedByJobId(envelope, record), started), null, ex);
            }

            jobScope = logger.BeginScope("job {JobId}", job.JobId);

            // result.json is the completion marker: a delivery that finds it finishes the record, never runs again.
            if (await blobs.ExistsAsync(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName, cancellationToken).ConfigureAwait(false))
            {
                return await FinishCompletedAsync(job, record, envelope, cancellationToken).ConfigureAwait(false);
            }

            var (instead, held) = await ClaimAsync(job, record, envelope, cancellationToken).ConfigureAwait(false);
            if (instead is not null)
            {
                return instead with { Record = Elapsed(instead.Record, started) };
            }

            record = held;
            claimed = true;
            Log.JobStarted(logger, job.JobId, envelope.MessageId, envelope.DequeueCount, job.Pipeline, record.QueueWaitMs ?? 0);
            if (!await RunCancellableAsync(job, cancellationToken).ConfigureAwait(false))
            {
                Log.JobCancelled(logger, job.JobId, envelope.MessageId, envelope.DequeueCount, (long)time.GetElapsedTime(started).TotalMilliseconds);
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
        finally
        {
            jobScope?.Dispose();
        }

        return await CompleteAsync(Elapsed(record with { State = JobState.Succeeded, CompletedAt = time.GetUtcNow() }, started), job, envelope, cancellationToken)
            .ConfigureAwait(false);
    }

    public JobOutcome Reject(JobEnvelope envelope, WorkerException reason)
    {
        var record = NewRecord(envelope);
        JobMessage? job = null;
        try
        {
            (job, record) = Parse(envelope, record);
        }
        catch (InvalidJobException)
        {
            // The reason the trigger gave is what gets recorded, under the jobId when the body has a valid one.
            record = KeyedByJobId(envelope, record);
        }

        return JobOutcome.Failed(record, job, reason);
    }

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
    /// Takes the job for this delivery with a conditional write of its <c>Running</c> record; null when it is ours to
    /// run. Otherwise the outcome to return instead: the job already succeeded (perhaps with other content, which is
    /// ignored), another delivery holds it, or the trigger refused to let this delivery start it.
    /// </summary>
    private async Task<(JobOutcome? Instead, JobRecord Claimed)> ClaimAsync(JobMessage job, JobRecord record, JobEnvelope envelope, CancellationToken cancellationToken)
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

            if (stored?.Record is { State: JobState.Succeeded } done)
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

    /// <summary>Finishes a job whose <c>result.json</c> exists: the <c>Succeeded</c> record is written if it is not yet.</summary>
    private async Task<JobOutcome> FinishCompletedAsync(JobMessage job, JobRecord record, JobEnvelope envelope, CancellationToken cancellationToken)
    {
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
    /// The failure of a delivery that never held its job: recorded under the jobId unless that would overwrite a job
    /// that succeeded or that another delivery holds; then under <c>msg-&lt;messageId&gt;</c>, its own key.
    /// </summary>
    private async Task<string> RecordUnclaimedAsync(JobRecord failed, CancellationToken cancellationToken)
    {
        if (!failed.JobId.StartsWith("msg-", StringComparison.Ordinal))
        {
            var stored = await records.GetStoredAsync(failed.JobId, cancellationToken).ConfigureAwait(false);
            var taken = stored?.Record is { State: JobState.Succeeded } or { State: JobState.Running } && stored.Record.MessageId != failed.MessageId;
            if (!taken && await records.TryReplaceAsync(failed, stored?.ETag, cancellationToken).ConfigureAwait(false))
            {
                return failed.JobId;
            }
        }

        var own = failed with { JobId = "msg-" + failed.MessageId };
        await records.UpsertAsync(own, cancellationToken).ConfigureAwait(false);
        return own.JobId;
    }

    // Until the body yields a jobId, the record is keyed by the delivery, so even garbage leaves a trace.
    private JobRecord NewRecord(JobEnvelope envelope)
    {
        var startedAt = time.GetUtcNow();
        return new JobRecord
        {
            JobId = "msg-" + envelope.MessageId,
            State = JobState.Running,
            Attempt = envelope.DequeueCount,
            MessageId = envelope.MessageId,
            WorkerId = state.WorkerId,
            EnqueuedAt = envelope.InsertedOn,
            StartedAt = startedAt,
            QueueWaitMs = envelope.InsertedOn is { } inserted ? (long)(startedAt - inserted).TotalMilliseconds : null,
        };
    }

    /// <summary>The job and its record filled in; an <see cref="InvalidJobException"/> for a body that is not a valid job.</summary>
    private (JobMessage Job, JobRecord Record) Parse(JobEnvelope envelope, JobRecord record)
    {
        var job = JobMessageParser.Parse(envelope.Body, _rules);
        return (job, record with
        {
            JobId = job.JobId,
            Pipeline = job.Pipeline,
            ContentHash = job.ContentHash(),
            InputUri = blobs.Address(job.Input.Container, job.Input.Blob),
            OutputUri = blobs.Address(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName),
        });
    }

    /// <summary>An invalid body's record is found by its jobId when it has a valid one.</summary>
    private static JobRecord KeyedByJobId(JobEnvelope envelope, JobRecord record) =>
        JobMessageParser.TryReadJobId(envelope.Body) is { } jobId ? record with { JobId = jobId } : record;

    private JobRecord Elapsed(JobRecord record, long started) =>
        record with { DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds };

    /// <summary>
    /// After <c>result.json</c> is written the job has succeeded, whatever happens next: a record write that fails, or is
    /// cut off by shutdown, only makes the delivery come back, where the redelivery path finishes it.
    /// </summary>
    private async Task<JobOutcome> CompleteAsync(JobRecord record, JobMessage job, JobEnvelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            await records.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
            Log.JobSucceeded(logger, job.JobId, envelope.MessageId, envelope.DequeueCount, record.DurationMs ?? 0);
            state.CountOutcome(nameof(JobState.Succeeded));
            return new JobOutcome(JobOutcomeKind.Succeeded, record, job);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            Log.RecordWriteFailed(logger, job.JobId, envelope.MessageId, envelope.DequeueCount, ex.Message);
            return new JobOutcome(JobOutcomeKind.Unfinished, record, job, FailureClass.Transient, "storage-unavailable", ex.Message);
        }
    }

    /// <summary>
    /// Runs the pipeline while watching the record for a cancellation request (read every half lease, the renewal
    /// period); false when the job was cancelled, its partial outputs removed.
    /// </summary>
    private async Task<bool> RunCancellableAsync(JobMessage job, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopWatching = new CancellationTokenSource();
        var watch = WatchForCancellationAsync(job.JobId, cancel, stopWatching.Token);
        var written = new List<string>();
        try
        {
            await using var progress = new RecordProgress(records, job.JobId, time, logger);
            await RunPipelineAsync(job, progress, written, cancel.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            foreach (var name in written)
            {
                await blobs.DeleteIfExistsAsync(job.OutputContainer, name, CancellationToken.None).ConfigureAwait(false);
            }

            return false;
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }
    }

    private async Task WatchForCancellationAsync(string jobId, CancellationTokenSource cancel, CancellationToken stop)
    {
        var period = worker.Value.LeaseDuration / 2;
        try
        {
            while (true)
            {
                await Task.Delay(period, time, stop).ConfigureAwait(false);
                try
                {
                    if ((await records.GetAsync(jobId, stop).ConfigureAwait(false))?.CancelRequested == true)
                    {
                        await cancel.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
                catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !stop.IsCancellationRequested)
                {
                    // Storage hiccup: look again next period; the job itself is unaffected.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The job ended first.
        }
    }

    private async Task RunPipelineAsync(JobMessage job, IProgress<PipelineProgress> progress, List<string> written, CancellationToken cancellationToken)
    {
        var input = await blobs.ReadInputAsync(job.Input, imaging.Value.MaxInputBytes, cancellationToken).ConfigureAwait(false);
        var pipeline = pipelines.Get(job.Pipeline);

        using var timeout = new CancellationTokenSource(worker.Value.FunctionTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        PipelineResult result;
        try
        {
            using var span = WorkerTelemetry.StartSpan("pipeline " + job.Pipeline);
            using var stages = new StageTimer(job.Pipeline, time);
            result = await pipeline.RunAsync(
                new PipelineContext
                {
                    JobId = job.JobId, InputName = job.Input.Blob, Input = input, Parameters = new PipelineParameters(job.Parameters), Progress = progress,
                    Stages = stages,
                },
                linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientJobException("function-timeout", $"The job ran longer than functionTimeout ({worker.Value.FunctionTimeout}).");
        }

        var files = new JsonArray();
        foreach (var output in result.Outputs)
        {
            var blobName = job.OutputPrefix + JobMessageParser.BlobName(output.Name, "output file");
            written.Add(blobName);
            var uri = await blobs.WriteAsync(job.OutputContainer, blobName, output.Content, output.ContentType, cancellationToken).ConfigureAwait(false);
            var file = new JsonObject { ["name"] = output.Name, ["uri"] = uri, ["contentType"] = output.ContentType };
            // Opt-in, and apart from uri: the bare address is what records and replies repeat; the link is a credential.
            if (await blobs.ReadLinkAsync(job.OutputContainer, blobName, cancellationToken).ConfigureAwait(false) is { } link)
            {
                file["link"] = link.Link;
                file["linkExpiresOn"] = link.ExpiresOn;
            }

            // As a JsonNode: JsonArray.Add<T> with a node type would wrap it through reflection (not trim- or AOT-safe).
            files.Add((JsonNode)file);
        }

        var document = new JsonObject
        {
            ["jobId"] = job.JobId,
            ["pipeline"] = job.Pipeline,
            ["completedAt"] = time.GetUtcNow(),
            ["outputs"] = files,
            ["result"] = result.Summary,
        };

        // result.json last: its presence marks the job complete. From here the job is done: no cancellation.
        cancellationToken.ThrowIfCancellationRequested();
        await blobs.WriteAsync(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName,
            BinaryData.FromString(document.ToJsonString(ResultJson)), "application/json", cancellationToken, createOnly: true).ConfigureAwait(false);
    }
}
