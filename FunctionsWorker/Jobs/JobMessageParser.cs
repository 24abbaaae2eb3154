using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FunctionsWorker.Errors;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Jobs;

/// <summary>Turns a message body into a <see cref="JobMessage"/>, or an <see cref="InvalidJobException"/> that says what is wrong.</summary>
public static partial class JobMessageParser
{
    private const int MaxEcho = 80;

    public static JobMessage Parse(string body, ISet<string> pipelines)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }) as JsonObject
                ?? throw new InvalidJobException("invalid-json", "The message body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidJobException("invalid-json", $"The message body is not valid JSON: {ex.Message}");
        }

        var jobId = RequiredString(root, "jobId");
        if (!IsValidJobId(jobId))
        {
            throw new InvalidJobException("invalid-job-id", $"jobId '{Echo(jobId)}' must be 1-64 characters of A-Z, a-z, 0-9, '_' and '-'.");
        }

        var pipeline = RequiredString(root, "pipeline");
        if (!pipelines.Contains(pipeline))
        {
            throw new InvalidJobException("unknown-pipeline", $"Pipeline '{Echo(pipeline)}' is not registered; known: {string.Join(", ", pipelines.Order(StringComparer.Ordinal))}.");
        }

        var input = root["input"] as JsonObject ?? throw Missing("input");
        var inputBlob = new BlobReference(ContainerName(input, "input.container"), BlobName(RequiredString(input, "blob", "input.blob"), "input.blob"));

        var outputContainer = "outputs";
        var outputPrefix = jobId + "/";
        if (root["output"] is { } outputNode)
        {
            var output = outputNode as JsonObject ?? throw new InvalidJobException("invalid-message", "output must be an object.");
            if (output.ContainsKey("container"))
            {
                outputContainer = ContainerName(output, "output.container");
            }

            if (OptionalString(output, "prefix", "output.prefix") is { } prefix)
            {
                outputPrefix = prefix.Length == 0 ? string.Empty : BlobName(prefix, "output.prefix");
            }
        }

        JsonObject? parameters = null;
        if (root["parameters"] is { } parametersNode)
        {
            parameters = parametersNode as JsonObject ?? throw new InvalidJobException("invalid-message", "parameters must be an object.");
        }

        var replyTo = OptionalString(root, "replyTo", "replyTo");
        if (replyTo is not null && !QueueNames.IsValid(replyTo))
        {
            throw new InvalidJobException("invalid-message", $"replyTo '{Echo(replyTo)}' is not a valid queue name.");
        }

        return new JobMessage(jobId, pipeline, inputBlob, outputContainer, outputPrefix, parameters, replyTo);
    }

    public static bool IsValidJobId(string jobId) => JobIdPattern().IsMatch(jobId);

    /// <summary>The jobId of a message that failed validation, when it has a valid one, so its record is found by jobId.</summary>
    public static string? TryReadJobId(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject root && root["jobId"] is JsonValue value &&
                   value.TryGetValue(out string? jobId) && IsValidJobId(jobId)
                ? jobId
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A blob path the worker will touch: relative, no <c>..</c> segment, no URL, no backslash.</summary>
    public static string BlobName(string name, string field)
    {
        if (name.Length is 0 or > 1024 || name.StartsWith('/') || name.Contains('\\') || name.Contains("://", StringComparison.Ordinal) ||
            name.Split('/').Any(segment => segment is ".." or ".") || name.Any(char.IsControl))
        {
            throw new InvalidJobException("invalid-blob-name",
                $"{field} '{Echo(name)}' is not an allowed blob name: it must be a relative path (no '..', no URL, no leading '/').");
        }

        return name;
    }

    private static string ContainerName(JsonObject owner, string field)
    {
        var name = RequiredString(owner, field[(field.IndexOf('.') + 1)..], field);
        return QueueNames.IsValid(name)
            ? name
            : throw new InvalidJobException("invalid-blob-name", $"{field} '{Echo(name)}' is not a valid container name.");
    }

    private static string RequiredString(JsonObject owner, string property, string? field = null) =>
        OptionalString(owner, property, field ?? property) is { Length: > 0 } value ? value : throw Missing(field ?? property);

    private static string? OptionalString(JsonObject owner, string property, string field)
    {
        var node = owner[property];
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.String
            ? node.GetValue<string>()
            : throw new InvalidJobException("invalid-message", $"{field} must be a string.");
    }

    private static InvalidJobException Missing(string field) => new("invalid-message", $"Required field '{field}' is missing or empty.");

    // Error messages echo user input; keep them short so a 64 KiB value cannot bloat the job record.
    private static string Echo(string value) => value.Length <= MaxEcho ? value : value[..MaxEcho] + $"… ({value.Length} chars)";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex JobIdPattern();
}
