using System.Text.Json.Nodes;

namespace FunctionsWorker.Pipelines.Delay;

/// <summary>
/// <c>delay</c>: waits <c>parameters.ms</c> and writes nothing but <c>result.json</c>. A diagnostic pipeline for
/// measuring the queue path without inference and for drills (shutdown, crash, lease); registered only when
/// <c>Pipelines:Delay:Enabled</c> is true.
/// </summary>
public sealed class DelayPipeline(TimeProvider time) : IPipeline
{
    public string Name => "delay";

    public IReadOnlyCollection<string> RequiredModels => [];

    public async Task<PipelineResult> RunAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var milliseconds = context.Parameters.GetInt32("ms", 1000, 0, 600_000);
        await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), time, cancellationToken).ConfigureAwait(false);
        return new PipelineResult(new JsonObject { ["delayedMs"] = milliseconds, ["inputBytes"] = context.Input.ToMemory().Length }, []);
    }
}
