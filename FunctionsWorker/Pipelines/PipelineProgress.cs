namespace FunctionsWorker.Pipelines;

/// <summary>What a pipeline reports while it runs: the stage, the fraction of the whole job done (0-1), an optional message.</summary>
public readonly record struct PipelineProgress(string Stage, double Fraction, string? Message = null);
