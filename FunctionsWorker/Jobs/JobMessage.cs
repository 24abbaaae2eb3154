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
    /// <summary>SHA-256 of what the job computes and where it writes: equal for redeliveries, different for a re-send with other content.</summary>
    public string ContentHash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\n', Pipeline, Input.Container, Input.Blob, OutputContainer, OutputPrefix, Parameters?.ToJsonString() ?? "{}"))));
}
