using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Functions.Tests.Integration;

/// <summary>
/// The worker's telemetry seen through the OpenTelemetry in-memory exporter, from one job through a real worker. The
/// worker's instruments are process-wide, so assertions pick this test's job (by jobId on spans) and count at least one.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TelemetryTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Job_RecordsJobMetrics_AndOneConnectedTrace()
    {
        var spans = new LockedList<Activity>();
        var metrics = new LockedList<MetricSnapshot>();
        await using var worker = await TestWorker.StartAsync(azurite, services: services => services
            .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
            .ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics)));
        await worker.Queue.UploadAsync("inputs", "otel/cat.png", TestImages.Png(200, 100));
        await worker.Queue.SendAsync(JobQueue.Job("otel-trace-1", "thumbnail", "otel/cat.png", new JsonObject { ["maxSide"] = 50 }));
        await worker.Queue.WaitForStateAsync("otel-trace-1", Wait, "Succeeded");

        var job = await JobSpanAsync(spans, "otel-trace-1");
        Assert.Equal("job thumbnail", job.DisplayName);
        Assert.Equal(ActivityKind.Consumer, job.Kind);
        Assert.Equal(default, job.ParentSpanId);
        Assert.Equal("succeeded", job.GetTagItem("job.outcome"));
        var trace = spans.Snapshot().Where(span => span.TraceId == job.TraceId && span != job).ToArray();
        var names = trace.Select(span => span.DisplayName).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { "blob read", "pipeline thumbnail", "blob write", "settle" }, names);
        Assert.All(trace.Where(span => span.DisplayName is "blob read" or "pipeline thumbnail" or "settle"),
            span => Assert.Equal(job.SpanId, span.ParentSpanId));

        Assert.True(worker.Services.GetRequiredService<MeterProvider>().ForceFlush());
        var exported = metrics.Snapshot();
        var jobs = exported.Last(metric => metric.Name == "functionsworker.jobs");
        Assert.Contains(jobs.MetricPoints, point => Tag(point, "pipeline") == "thumbnail" && Tag(point, "outcome") == "succeeded" &&
            Tag(point, "error.type") == "none" && point.GetSumLong() >= 1);
        var duration = exported.Last(metric => metric.Name == "functionsworker.job.duration");
        Assert.Equal("ms", duration.Unit);
        Assert.Contains(duration.MetricPoints, point => Tag(point, "pipeline") == "thumbnail" && point.GetHistogramCount() >= 1);
        Assert.Contains(exported, metric => metric.Name == "functionsworker.job.queue_wait");
        Assert.Contains(exported, metric => metric.Name == "functionsworker.jobs.in_flight");
        Assert.Contains(exported, metric => metric.Name == "functionsworker.concurrency");

        // The queue length is read in the background (never during a collection): there by a later one.
        await Eventually.HoldsAsync(() =>
        {
            worker.Services.GetRequiredService<MeterProvider>().ForceFlush();
            return Task.FromResult(metrics.Snapshot().Any(metric => metric.Name == "functionsworker.queue.length" &&
                metric.MetricPoints.Any(point => Tag(point, "queue") == worker.Queue.Queue.Name)));
        });

        // Off unless Telemetry:PrometheusEnabled: nothing answers outside the route prefix.
        Assert.Equal(HttpStatusCode.NotFound, (await worker.Http.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task TraceParent_InTheMessage_IsTheJobSpansParent()
    {
        var spans = new LockedList<Activity>();
        await using var worker = await TestWorker.StartAsync(azurite, services: services => services
            .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var producerTrace = ActivityTraceId.CreateRandom();
        var producerSpan = ActivitySpanId.CreateRandom();
        await worker.Queue.UploadAsync("inputs", "otel/dog.png", TestImages.Png(60, 40));
        var message = JobQueue.Job("otel-parent-1", "thumbnail", "otel/dog.png");
        message["traceparent"] = $"00-{producerTrace}-{producerSpan}-01";
        await worker.Queue.SendAsync(message);
        await worker.Queue.WaitForStateAsync("otel-parent-1", Wait, "Succeeded");

        var job = await JobSpanAsync(spans, "otel-parent-1");
        Assert.Equal(producerTrace, job.TraceId);
        Assert.Equal(producerSpan, job.ParentSpanId);
        Assert.True(job.HasRemoteParent);
        Assert.Contains(spans.Snapshot(), span => span.DisplayName == "pipeline thumbnail" && span.TraceId == producerTrace);
    }

    [Fact]
    public async Task InvalidTraceParent_IsIgnored_JobRunsInATraceOfItsOwn()
    {
        var spans = new LockedList<Activity>();
        await using var worker = await TestWorker.StartAsync(azurite, services: services => services
            .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        await worker.Queue.UploadAsync("inputs", "otel/bad.png", TestImages.Png(60, 40));
        var message = JobQueue.Job("otel-badparent-1", "thumbnail", "otel/bad.png");
        message["traceparent"] = "00-not-a-trace-context-01";
        await worker.Queue.SendAsync(message);
        await worker.Queue.WaitForStateAsync("otel-badparent-1", Wait, "Succeeded");

        var job = await JobSpanAsync(spans, "otel-badparent-1");
        Assert.Equal(default, job.ParentSpanId);
    }

    [Fact]
    public async Task PrometheusEnabled_ServesMetricsText_OutsideTheRoutePrefix()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["Telemetry:PrometheusEnabled"] = "true" });
        await worker.Queue.UploadAsync("inputs", "otel/prom.png", TestImages.Png(60, 40));
        await worker.Queue.SendAsync(JobQueue.Job("otel-prom-1", "thumbnail", "otel/prom.png"));
        await worker.Queue.WaitForStateAsync("otel-prom-1", Wait, "Succeeded");

        var response = await worker.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE functionsworker_jobs_in_flight gauge", text, StringComparison.Ordinal);
        Assert.Contains("functionsworker_concurrency", text, StringComparison.Ordinal);
        Assert.Contains("functionsworker_jobs_total{", text, StringComparison.Ordinal);
        Assert.Contains("functionsworker_job_duration_milliseconds_bucket{", text, StringComparison.Ordinal);
    }

    private static async Task<Activity> JobSpanAsync(LockedList<Activity> spans, string jobId)
    {
        Activity? job = null;
        await Eventually.HoldsAsync(() => Task.FromResult(
            (job = spans.Snapshot().FirstOrDefault(span => span.GetTagItem("job.id") as string == jobId)) is not null));
        return job!;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
