using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Jobs;

/// <summary>A validated job message, schema v1 (README, Job message).</summary>
public sealed record JobMessage(
    string JobId,
    string Pipeline,
    BlobReference Input,
    string OutputContainer,
    string OutputPrefix,
    JsonObject? Parameters,
    string? ReplyTo)
{
    /// <summary>
    /// The producer's W3C <c>traceparent</c>, the parent of the job's span; null when absent or not a valid one. Not part
    /// of <see cref="ContentHash"/>: a re-send from another trace is the same job.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>SHA-256 of what the job computes and where it writes: equal for redeliveries, different for a re-send with other content.</summary>
    public string ContentHash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\n', Pipeline, Input.Container, Input.Blob, OutputContainer, OutputPrefix, Parameters?.ToJsonString() ?? "{}"))));
}
