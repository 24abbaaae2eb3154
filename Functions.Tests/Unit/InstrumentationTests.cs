using System.Diagnostics;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML.OnnxRuntime;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using FunctionsWorker.Inference;
using FunctionsWorker.Telemetry;

namespace Functions.Tests.Unit;

/// <summary>
/// Model runs and pipeline stages as the exporters see them. The instruments are process-wide: each test uses a model
/// or pipeline name of its own and reads only its series.
/// </summary>
public sealed class InstrumentationTests
{
    [Fact]
    public async Task ModelRun_RecordsASpan_ItsDuration_AndTheBatchSize()
    {
        var spans = new LockedList<Activity>();
        var metrics = new LockedList<MetricSnapshot>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(WorkerTelemetry.Name).AddInMemoryExporter(spans).Build();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(WorkerTelemetry.Name).AddInMemoryExporter(metrics).Build();
        var name = "identity-" + Guid.NewGuid().ToString("N")[..8];
        using var runner = new ModelRunner(name, new InferenceSession(OnnxModelWriter.Identity(OnnxModelWriter.ImageShape)), 1);

        await runner.RunAsync(new Dictionary<string, TensorData> { [runner.Inputs.Keys.First()] = new(new float[2 * 3 * 4 * 4], [2, 3, 4, 4]) },
            CancellationToken.None);

        Assert.Contains(spans.Snapshot(), span => span.DisplayName == "model " + name);
        meters.ForceFlush();
        var exported = metrics.Snapshot();
        var duration = exported.Last(metric => metric.Name == "functionsworker.model.run.duration");
        Assert.Contains(duration.MetricPoints, point => HasTag(point, "model", name) && point.GetHistogramCount() == 1);
        var batch = exported.Last(metric => metric.Name == "functionsworker.model.batch_size");
        Assert.Contains(batch.MetricPoints, point => HasTag(point, "model", name) && point.GetHistogramSum() == 2);
    }

    [Fact]
    public void Stages_RunFromOneReportToTheNext_RepeatsIgnored()
    {
        var metrics = new LockedList<MetricSnapshot>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(WorkerTelemetry.Name).AddInMemoryExporter(metrics).Build();
        var pipeline = "stages-" + Guid.NewGuid().ToString("N")[..8];
        var time = new FakeTimeProvider();

        using (var stages = new StageTimer(pipeline, time))
        {
            stages.Enter("decode");
            time.Advance(TimeSpan.FromMilliseconds(10));
            stages.Enter("decode");
            time.Advance(TimeSpan.FromMilliseconds(20));
            stages.Enter("encode");
            time.Advance(TimeSpan.FromMilliseconds(5));
        }

        meters.ForceFlush();
        var points = metrics.Snapshot().Last(metric => metric.Name == "functionsworker.pipeline.stage.duration").MetricPoints
            .Where(point => HasTag(point, "pipeline", pipeline)).ToArray();
        Assert.Equal(30, Assert.Single(points, point => HasTag(point, "stage", "decode")).GetHistogramSum());
        Assert.Equal(5, Assert.Single(points, point => HasTag(point, "stage", "encode")).GetHistogramSum());
    }

    private static bool HasTag(MetricPoint point, string key, string value)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key && tag.Value as string == value)
            {
                return true;
            }
        }

        return false;
    }
}
