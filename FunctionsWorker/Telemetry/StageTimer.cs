using System.Diagnostics;

namespace FunctionsWorker.Telemetry;

/// <summary>
/// Turns a pipeline's stage reports into stage spans and stage durations: a stage runs from its first report to the
/// next stage's first report, the last one until disposal (the pipeline's end). A repeated report of the same stage
/// (progress within it) changes nothing.
/// </summary>
public sealed class StageTimer : IDisposable
{
    private readonly string _pipeline;
    private readonly TimeProvider _time;
    private readonly ActivityContext _parent;
    private readonly object _gate = new();
    private string? _stage;
    private long _started;
    private Activity? _span;

    /// <summary>Stage spans become children of the span current now (the pipeline's), whichever thread reports them.</summary>
    public StageTimer(string pipeline, TimeProvider time)
    {
        _pipeline = pipeline;
        _time = time;
        _parent = Activity.Current?.Context ?? default;
    }

    public void Enter(string stage)
    {
        lock (_gate)
        {
            if (stage == _stage)
            {
                return;
            }

            EndStage();
            _stage = stage;
            _started = _time.GetTimestamp();
            _span = WorkerTelemetry.Source.StartActivity("stage " + stage, ActivityKind.Internal, _parent);
            _span?.SetTag("pipeline.stage", stage);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            EndStage();
        }
    }

    private void EndStage()
    {
        if (_stage is null)
        {
            return;
        }

        WorkerTelemetry.StageCompleted(_pipeline, _stage, _time.GetElapsedTime(_started));
        _span?.Dispose();
        _span = null;
        _stage = null;
    }
}
