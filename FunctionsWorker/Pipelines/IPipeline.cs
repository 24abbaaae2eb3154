namespace FunctionsWorker.Pipelines;

/// <summary>A job type: turns one input blob into output files and a result summary. Pure: no storage access.</summary>
public interface IPipeline
{
    /// <summary>The name jobs use in their <c>pipeline</c> field.</summary>
    string Name { get; }

    /// <summary>Catalog names of the models this pipeline needs warm before jobs run.</summary>
    IReadOnlyCollection<string> RequiredModels { get; }

    Task<PipelineResult> RunAsync(PipelineContext context, CancellationToken cancellationToken);
}
