namespace FunctionsWorker.Pipelines;

/// <summary>One file a pipeline produced; written under the job's output prefix before <c>result.json</c>.</summary>
public sealed record PipelineOutput(string Name, BinaryData Content, string ContentType);
