using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using FunctionsWorker.Configuration;
using FunctionsWorker.Errors;
using FunctionsWorker.Health;
using FunctionsWorker.Imaging;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Storage;

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
    TimeProvider time,
    ILogger<JobProcessor> logger) : IJobRunner
{
    private static readonly JsonSerializerOptions ResultJson = new() { WriteIndented = true };

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

            if (await AlreadySucceededAsync(job, cancellationToken).ConfigureAwait(false))
            {
                Log.JobAlreadySucceeded(logger, job.JobId, envelope.MessageId, envelope.DequeueCount);
                return new JobOutcome(JobOutcomeKind.Succeeded, record, job);
            }

            await records.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
            Log.JobStarted(logger, job.JobId, envelope.MessageId, envelope.DequeueCount, job.Pipeline, record.QueueWaitMs ?? 0);

            await RunPipelineAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new JobOutcome(JobOutcomeKind.Interrupted, Elapsed(record, started), job);
        }
        catch (Exception ex)
        {
            return JobOutcome.Failed(Elapsed(record, started), job, ex);
        }
        finally
        {
            jobScope?.Dispose();
        }

        return await CompleteAsync(Elapsed(record with { State = JobState.Succeeded, CompletedAt = time.GetUtcNow() }, started), job, envelope)
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

    public async Task FinishAsync(JobOutcome outcome, JobState next, CancellationToken cancellationToken)
    {
        var record = outcome.Record;
        var failed = record with
        {
            State = next,
            CompletedAt = next == JobState.Poisoned ? time.GetUtcNow() : null,
            ErrorType = outcome.ErrorType,
            ErrorMessage = outcome.Error,
            Permanent = outcome.Failure == FailureClass.Permanent,
        };
        if (outcome.Kind == JobOutcomeKind.Interrupted)
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
            await records.UpsertAsync(failed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) || ex is IOException or TimeoutException)
        {
            // Storage itself is failing; the delivery's own fate still gets decided and logged.
            Log.RecordWriteFailed(logger, record.JobId, record.MessageId ?? string.Empty, record.Attempt, ex.Message);
        }
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
        var job = JobMessageParser.Parse(envelope.Body, pipelines.Names);
        return (job, record with
        {
            JobId = job.JobId,
            Pipeline = job.Pipeline,
            InputUri = blobs.GetUri(job.Input.Container, job.Input.Blob).ToString(),
            OutputUri = blobs.GetUri(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName).ToString(),
        });
    }

    /// <summary>An invalid body's record is found by its jobId when it has a valid one.</summary>
    private static JobRecord KeyedByJobId(JobEnvelope envelope, JobRecord record) =>
        JobMessageParser.TryReadJobId(envelope.Body) is { } jobId ? record with { JobId = jobId } : record;

    private JobRecord Elapsed(JobRecord record, long started) =>
        record with { DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds };

    /// <summary>
    /// After <c>result.json</c> is written the job has succeeded, whatever happens next: no cancellation, and a
    /// failed record write only makes the delivery come back, where the redelivery path finishes it.
    /// </summary>
    private async Task<JobOutcome> CompleteAsync(JobRecord record, JobMessage job, JobEnvelope envelope)
    {
        try
        {
            await records.UpsertAsync(record, CancellationToken.None).ConfigureAwait(false);
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

    private async Task<bool> AlreadySucceededAsync(JobMessage job, CancellationToken cancellationToken)
    {
        var existing = await records.GetAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        return existing?.State == JobState.Succeeded &&
            await blobs.ExistsAsync(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunPipelineAsync(JobMessage job, CancellationToken cancellationToken)
    {
        var input = await blobs.ReadInputAsync(job.Input, imaging.Value.MaxInputBytes, cancellationToken).ConfigureAwait(false);
        var pipeline = pipelines.Get(job.Pipeline);

        using var timeout = new CancellationTokenSource(worker.Value.FunctionTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        PipelineResult result;
        try
        {
            result = await pipeline.RunAsync(
                new PipelineContext { JobId = job.JobId, InputName = job.Input.Blob, Input = input, Parameters = new PipelineParameters(job.Parameters) },
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
            var uri = await blobs.WriteAsync(job.OutputContainer, blobName, output.Content, output.ContentType, cancellationToken).ConfigureAwait(false);
            files.Add(new JsonObject { ["name"] = output.Name, ["uri"] = uri.ToString(), ["contentType"] = output.ContentType });
        }

        var document = new JsonObject
        {
            ["jobId"] = job.JobId,
            ["pipeline"] = job.Pipeline,
            ["completedAt"] = time.GetUtcNow(),
            ["outputs"] = files,
            ["result"] = result.Summary,
        };

        // result.json last: its presence marks the job complete.
        await blobs.WriteAsync(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName,
            BinaryData.FromString(document.ToJsonString(ResultJson)), "application/json", cancellationToken).ConfigureAwait(false);
    }
}
