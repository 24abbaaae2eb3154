using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues.Models;
using FunctionsWorker.Hosting;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Jobs;

/// <summary>
/// Runs one job message: decode and validate, skip a job that already succeeded, read the input, run the
/// pipeline under <c>functionTimeout</c>, write outputs then <c>result.json</c>, keep the record, reply, and
/// decide the message's fate from the failure class.
/// </summary>
public sealed class JobProcessor(
    PipelineRegistry pipelines,
    JobRecordStore records,
    JobBlobs blobs,
    ReplySender replies,
    WorkerState state,
    IOptions<QueuesOptions> queues,
    IOptions<WorkerOptions> worker,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<JobProcessor> logger)
{
    private static readonly JsonSerializerOptions ResultJson = new() { WriteIndented = true };

    /// <param name="message">The fetched message, body exactly as stored on the queue.</param>
    /// <param name="cancellationToken">Execution cancellation: fires when shutdown's grace period has run out.</param>
    public async Task<JobDisposition> ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        // Every line logged while this message is handled, pipelines' included, carries its identity.
        using var messageScope = logger.BeginScope("message {MessageId} dequeue {DequeueCount}", message.MessageId, message.DequeueCount);
        IDisposable? jobScope = null;
        // Until the body yields a jobId, the record is keyed by the message, so even garbage leaves a trace.
        var record = new JobRecord
        {
            JobId = "msg-" + message.MessageId,
            State = JobState.Running,
            Attempt = message.DequeueCount,
            MessageId = message.MessageId,
            WorkerId = state.WorkerId,
            EnqueuedAt = message.InsertedOn,
            StartedAt = startedAt,
            QueueWaitMs = message.InsertedOn is { } inserted ? (long)(startedAt - inserted).TotalMilliseconds : null,
        };
        JobMessage? job = null;

        try
        {
            var body = DecodeBody(message.MessageText);
            try
            {
                job = JobMessageParser.Parse(body, pipelines.Names);
            }
            catch (InvalidJobException) when (JobMessageParser.TryReadJobId(body) is { } jobId)
            {
                record = record with { JobId = jobId };
                throw;
            }

            record = record with
            {
                JobId = job.JobId,
                Pipeline = job.Pipeline,
                InputUri = blobs.GetUri(job.Input.Container, job.Input.Blob).ToString(),
                OutputUri = blobs.GetUri(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName).ToString(),
            };
            jobScope = logger.BeginScope("job {JobId}", job.JobId);

            if (message.DequeueCount > queues.Value.MaxDequeueCount)
            {
                // Functions' rule: a message already past maxDequeueCount goes to poison without running.
                throw new TransientJobException("max-dequeue-count-exceeded",
                    $"The message was dequeued {message.DequeueCount} times, more than maxDequeueCount ({queues.Value.MaxDequeueCount}).");
            }

            if (await AlreadySucceededAsync(job, cancellationToken).ConfigureAwait(false))
            {
                Log.JobAlreadySucceeded(logger, job.JobId, message.MessageId, message.DequeueCount);
                if (job.ReplyTo is not null)
                {
                    await replies.SendAsync(job, JobState.Succeeded, record.OutputUri, error: null, cancellationToken).ConfigureAwait(false);
                }

                return JobDisposition.Delete;
            }

            await records.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
            Log.JobStarted(logger, job.JobId, message.MessageId, message.DequeueCount, job.Pipeline, record.QueueWaitMs ?? 0);

            await RunAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown ran out of grace: hand the message straight back for another worker.
            await FinishAsync(record with { State = JobState.Released, DurationMs = clock.ElapsedMilliseconds }, job, null).ConfigureAwait(false);
            Log.JobReleased(logger, record.JobId, message.MessageId, message.DequeueCount, clock.ElapsedMilliseconds);
            return JobDisposition.Release(TimeSpan.Zero);
        }
        catch (Exception ex)
        {
            return await FailAsync(record, job, message, clock, ex).ConfigureAwait(false);
        }
        finally
        {
            jobScope?.Dispose();
        }

        return await CompleteAsync(record with { State = JobState.Succeeded, CompletedAt = time.GetUtcNow(), DurationMs = clock.ElapsedMilliseconds },
            job!, message).ConfigureAwait(false);
    }

    /// <summary>
    /// After <c>result.json</c> is written the job has succeeded, whatever happens next: no cancellation, and a
    /// failed record or reply only makes the message come back, where the redelivery path finishes them.
    /// </summary>
    private async Task<JobDisposition> CompleteAsync(JobRecord record, JobMessage job, QueueMessage message)
    {
        try
        {
            await records.UpsertAsync(record, CancellationToken.None).ConfigureAwait(false);
            Log.JobSucceeded(logger, job.JobId, message.MessageId, message.DequeueCount, record.DurationMs ?? 0);
            state.CountOutcome(JobState.Succeeded);
            if (job.ReplyTo is not null)
            {
                await replies.SendAsync(job, JobState.Succeeded, record.OutputUri, error: null, CancellationToken.None).ConfigureAwait(false);
            }

            return JobDisposition.Delete;
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            Log.RecordWriteFailed(logger, job.JobId, message.MessageId, message.DequeueCount, ex.Message);
            return JobDisposition.Release(queues.Value.VisibilityTimeout).WithFailure(FailureClass.Transient);
        }
    }

    private async Task<JobDisposition> FailAsync(JobRecord record, JobMessage? job, QueueMessage message, Stopwatch clock, Exception ex)
    {
        var (failure, errorType) = FailureClassifier.Classify(ex);
        var disposition = FailureClassifier.Decide(failure, message.DequeueCount, queues.Value.MaxDequeueCount, queues.Value.VisibilityTimeout);
        if (disposition.Kind == JobDispositionKind.Poison && storage.Value.PoisonQueueName is null)
        {
            // A poison queue has nowhere further to go: the message stays, retried no sooner than a lease from now,
            // so a visibilityTimeout of 0 cannot turn it into a hot loop.
            var delay = queues.Value.VisibilityTimeout > worker.Value.LeaseDuration ? queues.Value.VisibilityTimeout : worker.Value.LeaseDuration;
            disposition = JobDisposition.Release(delay);
        }

        var next = disposition.Kind switch
        {
            JobDispositionKind.Poison => JobState.Poisoned,
            _ when failure == FailureClass.WorkerFault => JobState.Released,
            _ => JobState.Retrying,
        };

        var failed = record with
        {
            State = next,
            CompletedAt = next == JobState.Poisoned ? time.GetUtcNow() : null,
            DurationMs = clock.ElapsedMilliseconds,
            ErrorType = errorType,
            ErrorMessage = ex.Message,
            Permanent = failure == FailureClass.Permanent,
        };
        Log.JobFailed(logger, record.JobId, message.MessageId, message.DequeueCount, failure, errorType, next, clock.ElapsedMilliseconds, ex.Message);
        state.RecordError($"job {record.JobId}", errorType, ex.Message);
        await FinishAsync(failed, job, ex.Message).ConfigureAwait(false);
        return disposition.WithFailure(failure);
    }

    private string DecodeBody(string text)
    {
        try
        {
            return queues.Value.Decode(text);
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            throw new InvalidJobException("invalid-base64",
                "The message is not valid base64 (host.json extensions.queues.messageEncoding is 'base64'): " + ex.Message, ex);
        }
    }

    private async Task<bool> AlreadySucceededAsync(JobMessage job, CancellationToken cancellationToken)
    {
        var existing = await records.GetAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        return existing?.State == JobState.Succeeded &&
            await blobs.ExistsAsync(job.OutputContainer, job.OutputPrefix + JobBlobs.ResultFileName, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(JobMessage job, CancellationToken cancellationToken)
    {
        var input = await blobs.ReadInputAsync(job.Input, cancellationToken).ConfigureAwait(false);
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

    private async Task FinishAsync(JobRecord record, JobMessage? job, string? error)
    {
        state.CountOutcome(record.State);
        try
        {
            // CancellationToken.None: the record of a failure must be written even while the host stops.
            await records.UpsertAsync(record, CancellationToken.None).ConfigureAwait(false);
            if (record.State == JobState.Poisoned && job?.ReplyTo is not null)
            {
                await replies.SendAsync(job, JobState.Poisoned, outputUri: null, error, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) || ex is IOException or TimeoutException)
        {
            // Storage itself is failing; the message's own fate still gets decided and logged.
            Log.RecordWriteFailed(logger, record.JobId, record.MessageId ?? string.Empty, record.Attempt, ex.Message);
        }
    }
}
