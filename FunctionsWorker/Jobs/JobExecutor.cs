using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using FunctionsWorker.Configuration;
using FunctionsWorker.Errors;
using FunctionsWorker.Imaging;
using FunctionsWorker.Pipelines;
using FunctionsWorker.State;
using FunctionsWorker.Storage;
using FunctionsWorker.Telemetry;

namespace FunctionsWorker.Jobs;

/// <summary>
/// The second half of a job, once its delivery holds it: reads the input, runs the pipeline under
/// <c>functionTimeout</c> while watching the record for a cancellation request, writes the outputs then
/// <c>result.json</c>, and the <c>Succeeded</c> record.
/// </summary>
internal sealed class JobExecutor(
    PipelineRegistry pipelines,
    JobRecordStore records,
    JobBlobs blobs,
    WorkerState state,
    IOptions<WorkerOptions> worker,
    IOptions<ImagingOptions> imaging,
    TimeProvider time,
    ILogger<JobExecutor> logger)
{
    private static readonly JsonSerializerOptions ResultJson = new() { WriteIndented = true };

    /// <summary>Runs the claimed job up to its <c>result.json</c>; false when it was cancelled on request, its partial outputs removed.</summary>
    /// <param name="started">When the delivery's handling began, for the log line of a cancellation.</param>
    public async Task<bool> RunAsync(JobMessage job, JobRecord claimed, JobEnvelope envelope, long started, CancellationToken cancellationToken)
    {
        Log.JobStarted(logger, job.JobId, envelope.MessageId, envelope.DequeueCount, job.Pipeline, claimed.QueueWaitMs ?? 0);
        if (await RunCancellableAsync(job, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        Log.JobCancelled(logger, job.JobId, envelope.MessageId, envelope.DequeueCount, (long)time.GetElapsedTime(started).TotalMilliseconds);
        return false;
    }

    /// <summary>
    /// After <c>result.json</c> is written the job has succeeded, whatever happens next: a record write that fails, or is
    /// cut off by shutdown, only makes the delivery come back, where the redelivery path finishes it.
    /// </summary>
    public async Task<JobOutcome> CompleteAsync(JobRecord record, JobMessage job, JobEnvelope envelope, CancellationToken cancellationToken)
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
