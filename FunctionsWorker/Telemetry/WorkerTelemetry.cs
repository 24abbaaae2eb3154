using System.Diagnostics;
using System.Diagnostics.Metrics;
using FunctionsWorker.State;

namespace FunctionsWorker.Telemetry;

/// <summary>
/// The worker's <see cref="ActivitySource"/> and the instruments every layer records into, both named
/// <c>FunctionsWorker</c> (README, Telemetry). Static, like the runtime's own sources: a job's code records where it
/// runs (processor, runner, lease, blob store) without any of them taking a telemetry dependency through DI; the
/// exporters decide what, if anything, leaves the process.
/// </summary>
public static class WorkerTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "FunctionsWorker";

    private static readonly double[] JobBuckets = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000];
    private static readonly double[] StepBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];
    private static readonly long[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    public static ActivitySource Source { get; } = new(Name, WorkerState.Version);

    public static Meter Meter { get; } = new(Name, WorkerState.Version);

    private static readonly Counter<long> Jobs = Meter.CreateCounter<long>(
        "functionsworker.jobs", "{job}", "Job attempts by pipeline, outcome (the state the attempt ended in) and error type.");

    private static readonly Histogram<double> JobDuration = Meter.CreateHistogram(
        "functionsworker.job.duration", "ms", "Time from fetch to the job's outcome, settling excluded.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JobBuckets });

    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram(
        "functionsworker.job.queue_wait", "ms", "Time from enqueue to the start of an attempt.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JobBuckets });

    private static readonly Histogram<double> StageDuration = Meter.CreateHistogram(
        "functionsworker.pipeline.stage.duration", "ms", "Time in each stage a pipeline reports (decode, detect, recognize, ...).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });

    private static readonly Histogram<double> ModelRunDuration = Meter.CreateHistogram(
        "functionsworker.model.run.duration", "ms", "One ONNX Runtime run of a model, waiting for a slot excluded.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });

    private static readonly Histogram<long> ModelBatchSize = Meter.CreateHistogram(
        "functionsworker.model.batch_size", "{item}", "The leading dimension of a model run's first input.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = BatchBuckets });

    private static readonly Counter<long> LeaseRenewals = Meter.CreateCounter<long>(
        "functionsworker.lease.renewals", "{renewal}", "Message lease renewals that succeeded.");

    private static readonly Counter<long> LeaseLosses = Meter.CreateCounter<long>(
        "functionsworker.lease.losses", "{loss}", "Message leases found gone or taken by another worker mid-job.");

    /// <summary>
    /// Starts the span of one delivery, <c>job</c> until <see cref="JobFinished"/> names its pipeline. Its parent is the
    /// producer's context when <paramref name="traceParent"/> is a valid W3C <c>traceparent</c>, otherwise none: each
    /// job is a trace of its own, never a child of whatever happened to be current on the listener's loop.
    /// </summary>
    public static Activity? StartJob(string? traceParent, string messageId, long dequeueCount)
    {
        if (!ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent))
        {
            // Set here, in a synchronous method, so it holds for the caller's flow: the job span starts a new trace.
            Activity.Current = null;
            parent = default;
        }

        var activity = Source.StartActivity("job", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "azure_queue");
        activity?.SetTag("messaging.message.id", messageId);
        activity?.SetTag("messaging.message.delivery_count", dequeueCount);
        return activity;
    }

    /// <summary>Counts the attempt and records its timings; names the job span <c>job {pipeline}</c> and marks a failure on it.</summary>
    /// <param name="outcome">The state the attempt ended in (Succeeded, Retrying, Released, Poisoned, Cancelled, Running).</param>
    public static void JobFinished(Activity? span, string jobId, string? pipeline, string outcome, string? errorType, long? durationMs, long? queueWaitMs)
    {
        var pipelineTag = pipeline ?? "none";
        var outcomeTag = outcome.ToLowerInvariant();
        Jobs.Add(1, new("pipeline", pipelineTag), new("outcome", outcomeTag), new("error.type", errorType ?? "none"));
        if (durationMs is { } duration)
        {
            JobDuration.Record(duration, new("pipeline", pipelineTag), new("outcome", outcomeTag));
        }

        if (queueWaitMs is { } wait && wait >= 0)
        {
            QueueWait.Record(wait, new KeyValuePair<string, object?>("pipeline", pipelineTag));
        }

        if (span is null)
        {
            return;
        }

        span.DisplayName = pipeline is null ? "job" : "job " + pipeline;
        span.SetTag("job.id", jobId);
        span.SetTag("job.pipeline", pipeline);
        span.SetTag("job.outcome", outcomeTag);
        if (errorType is not null)
        {
            span.SetTag("error.type", errorType);
            span.SetStatus(ActivityStatusCode.Error, errorType);
        }
    }

    /// <summary>Starts an internal child of the current span (blob read, blob write, settle, pipeline, model); null when nobody listens.</summary>
    public static Activity? StartSpan(string name) => Source.StartActivity(name);

    /// <summary>Records one pipeline stage's time.</summary>
    public static void StageCompleted(string pipeline, string stage, TimeSpan elapsed) =>
        StageDuration.Record(elapsed.TotalMilliseconds, new("pipeline", pipeline), new("stage", stage));

    /// <summary>Records one model run's time and, when its first input has a leading dimension, the batch size.</summary>
    public static void ModelRun(string model, TimeSpan elapsed, int? batchSize)
    {
        ModelRunDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("model", model));
        if (batchSize is { } batch)
        {
            ModelBatchSize.Record(batch, new KeyValuePair<string, object?>("model", model));
        }
    }

    public static void LeaseRenewed() => LeaseRenewals.Add(1);

    public static void LeaseLost() => LeaseLosses.Add(1);
}
