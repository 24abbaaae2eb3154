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
    string? ReplyTo);
