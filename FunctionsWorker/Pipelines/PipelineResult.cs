using System.Text.Json.Nodes;

namespace FunctionsWorker.Pipelines;

/// <summary>A pipeline's answer: the summary that goes into <c>result.json</c> and the files to write beside it.</summary>
public sealed record PipelineResult(JsonObject Summary, IReadOnlyList<PipelineOutput> Outputs);
