using FunctionsWorker.Errors;



namespace FunctionsWorker.Pipelines;

/// <summary>The registered pipelines by name.</summary>
public sealed class PipelineRegistry
{
    private readonly Dictionary<string, IPipeline> _pipelines;

    public PipelineRegistry(IEnumerable<IPipeline> pipelines)
    {
        _pipelines = new Dictionary<string, IPipeline>(StringComparer.Ordinal);
        foreach (var pipeline in pipelines)
        {
            if (!_pipelines.TryAdd(pipeline.Name, pipeline))
            {
                throw new InvalidOperationException($"Two pipelines are registered as '{pipeline.Name}'.");
            }
        }

        Names = _pipelines.Keys.ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlySet<string> Names { get; }

    public IPipeline Get(string name) =>
        _pipelines.TryGetValue(name, out var pipeline) ? pipeline : throw new InvalidJobException("unknown-pipeline", $"Pipeline '{name}' is not registered.");
}
