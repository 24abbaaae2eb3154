using System.Text.Json.Nodes;

namespace FunctionsWorker.Pipelines.Delay;

/// <summary>
/// <c>delay</c>: waits <c>parameters.ms</c> and writes nothing but <c>result.json</c>. A diagnostic pipeline for
/// measuring the queue path without inference and for drills (shutdown, crash, lease); registered only when
/// <c>Pipelines:Delay:Enabled</c> is true.
/// </summary>
public sealed class DelayPipeline(TimeProvider time) : IPipeline
{
    private static readonly TimeSpan ProgressStep = TimeSpan.FromSeconds(1);

    public string Name => "delay";

    public IReadOnlyCollection<string> RequiredModels => [];

    public async Task<PipelineResult> RunAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var milliseconds = context.Parameters.GetInt32("ms", 1000, 0, 600_000);
        // Waits in one-second steps, reporting progress as a long job would.
        var total = TimeSpan.FromMilliseconds(milliseconds);
        for (var waited = TimeSpan.Zero; waited < total; waited += ProgressStep)
        {
            context.Report("waiting", waited / total);
            var step = total - waited < ProgressStep ? total - waited : ProgressStep;
            await Task.Delay(step, time, cancellationToken).ConfigureAwait(false);
        }

        return new PipelineResult(new JsonObject { ["delayedMs"] = milliseconds, ["inputBytes"] = context.Input.ToMemory().Length }, []);
    }
}
