using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionsWorker.Errors;
using FunctionsWorker.Schema;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Jobs;

/// <summary>Turns a message body into a <see cref="JobMessage"/>, or an <see cref="InvalidJobException"/> that says what is wrong.</summary>
public static class JobMessageParser
{
    private const int MaxEcho = 80;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    /// <summary>
    /// The job in <paramref name="body"/>, or an <see cref="InvalidJobException"/> saying what is wrong: whatever a
    /// producer sends (duplicate keys, lone surrogates, a byte-order mark, odd types) ends here, never as a worker fault.
    /// </summary>
    public static JobMessage Parse(string body, JobRules rules)
    {
        var (job, invalid, _, _) = ReadBody(body, rules);
        return job ?? throw invalid!;
    }

    /// <summary>
    /// The delivery with its body read once, for every later step: the job, or why the body is not one, and what a
    /// body that fails validation still tells (a valid jobId, so its record is found by it; the trace context).
    /// </summary>
    public static JobDelivery Read(JobEnvelope envelope, JobRules rules)
    {
        var (job, invalid, jobId, traceParent) = ReadBody(envelope.Body, rules);
        return new JobDelivery(envelope, job, invalid, jobId, traceParent);
    }

    private static (JobMessage? Job, InvalidJobException? Invalid, string? JobId, string? TraceParent) ReadBody(string body, JobRules rules)
    {
        JsonObject? root = null;
        try
        {
            root = JsonNode.Parse(WithoutByteOrderMark(body), documentOptions: DocumentOptions) as JsonObject
                ?? throw new InvalidJobException("invalid-json", "The message body must be a JSON object.");
            var job = ParseObject(root, rules);
            return (job, null, job.JobId, job.TraceParent);
        }
        catch (InvalidJobException ex)
        {
            return (null, ex, ValidJobId(root), TraceParent(root));
        }
        catch (Exception ex) when (IsUnreadable(ex) || ex is FormatException)
        {
            return (null, new InvalidJobException("invalid-json", $"The message body is not valid JSON: {Echo(ex.Message)}", ex), ValidJobId(root), TraceParent(root));
        }
    }

    private static JobMessage ParseObject(JsonObject root, JobRules rules)
    {
        var pipelines = rules.Pipelines;

        var jobId = RequiredString(root, "jobId");
        if (!JobIdRule.IsValid(jobId))
        {
            throw new InvalidJobException("invalid-job-id", $"jobId '{Echo(jobId)}' must be {JobIdRule.Description}.");
        }

        var pipeline = RequiredString(root, "pipeline");
        if (!pipelines.Contains(pipeline))
        {
            throw new InvalidJobException("unknown-pipeline", $"Pipeline '{Echo(pipeline)}' is not registered; known: {string.Join(", ", pipelines.Order(StringComparer.Ordinal))}.");
        }

        var input = root["input"] as JsonObject ?? throw Missing("input");
        var inputBlob = new BlobReference(ContainerName(input, "input.container", rules.InputContainers), BlobName(RequiredString(input, "blob", "input.blob"), "input.blob"));

        var outputContainer = "outputs";
        var outputPrefix = jobId + "/";
        if (root["output"] is { } outputNode)
        {
            var output = outputNode as JsonObject ?? throw new InvalidJobException("invalid-message", "output must be an object.");
            if (output.ContainsKey("container"))
            {
                outputContainer = ContainerName(output, "output.container", rules.OutputContainers);
            }

            if (OptionalString(output, "prefix", "output.prefix") is { } prefix)
            {
                // An empty prefix would put every such job's result.json at the container root, one overwriting the other.
                outputPrefix = prefix.Length == 0
                    ? throw new InvalidJobException("invalid-blob-name", "output.prefix must not be empty: give each job its own folder, for example '{jobId}/'.")
                    : OwnFolder(BlobPrefix(prefix), jobId);
            }
        }

        if (!rules.OutputContainers.Contains(outputContainer))
        {
            throw NotAllowed("output.container", outputContainer, rules.OutputContainers, "Storage:AllowedOutputContainers");
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

        if (replyTo is not null && rules.ReservedQueues.Contains(replyTo))
        {
            throw new InvalidJobException("invalid-message", $"replyTo '{replyTo}' is the jobs queue or its poison queue; replies go to a queue of their own.");
        }

        if (replyTo is not null && !rules.ReplyQueues.Contains(replyTo))
        {
            throw new InvalidJobException("invalid-message", rules.ReplyQueues.Count == 0
                ? $"replyTo '{replyTo}' is not allowed: this worker sends no replies (Storage:AllowedReplyQueues is empty)."
                : $"replyTo '{replyTo}' is not a queue replies may go to; allowed: {string.Join(", ", rules.ReplyQueues.Order(StringComparer.Ordinal))} (Storage:AllowedReplyQueues).");
        }

        return new JobMessage(jobId, pipeline, inputBlob, outputContainer, outputPrefix, parameters, replyTo) { TraceParent = TraceParent(root) };
    }

    /// <summary>
    /// The body's top-level <c>traceparent</c> when it is a valid W3C trace context, else null: tracing is optional,
    /// so a missing, malformed or non-string value never fails a job.
    /// </summary>
    private static string? TraceParent(JsonObject? root)
    {
        try
        {
            return root?["traceparent"] is JsonValue value && value.TryGetValue(out string? text) && ActivityContext.TryParse(text, null, out _) ? text : null;
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return null;
        }
    }

    /// <summary>The jobId of a message that failed validation, when it has a valid one, so its record is found by jobId.</summary>
    public static string? TryReadJobId(string body)
    {
        try
        {
            return ValidJobId(JsonNode.Parse(WithoutByteOrderMark(body), documentOptions: DocumentOptions) as JsonObject);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return null;
        }
    }

    private static string? ValidJobId(JsonObject? root)
    {
        try
        {
            return root?["jobId"] is JsonValue value && value.TryGetValue(out string? jobId) && JobIdRule.IsValid(jobId) ? jobId : null;
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return null;
        }
    }

    // What reading a producer's JSON may throw besides InvalidJobException.
    private static bool IsUnreadable(Exception ex) =>
        ex is JsonException or InvalidOperationException or ArgumentException or InsufficientExecutionStackException;

    // Azure tools may write a UTF-8 byte-order mark before the JSON.
    private static string WithoutByteOrderMark(string body) => body.StartsWith('\uFEFF') ? body[1..] : body;

    /// <summary>A blob path the worker will touch: relative, no <c>..</c> segment, no URL, no backslash.</summary>
    public static string BlobName(string name, string field)
    {
        if (name.Length is 0 or > 1024 || name.StartsWith('/') || name.EndsWith('/') || name.Contains('\\') || name.Contains("://", StringComparison.Ordinal) ||
            name.Split('/').Any(segment => segment is ".." or "." or "") || name.Any(char.IsControl))
        {
            throw new InvalidJobException("invalid-blob-name",
                $"{field} '{Echo(name)}' is not an allowed blob name: it must be a relative path (no '..', no URL, no leading '/').");
        }

        return name;
    }

    /// <summary>An output prefix: a blob path that may end in '/' (a folder), with the same rules as a blob name.</summary>
    private static string BlobPrefix(string prefix)
    {
        BlobName(prefix.EndsWith('/') ? prefix[..^1] : prefix, "output.prefix");
        return prefix;
    }

    /// <summary>
    /// A prefix is the job's own folder, <c>&lt;jobId&gt;/</c> or <c>&lt;anything&gt;/&lt;jobId&gt;/</c>: its last folder
    /// names the job, so two jobs' prefixes never hold the same blob and no message can overwrite another job's results.
    /// </summary>
    private static string OwnFolder(string prefix, string jobId) =>
        prefix == jobId + "/" || prefix.EndsWith("/" + jobId + "/", StringComparison.Ordinal)
            ? prefix
            : throw new InvalidJobException("invalid-blob-name",
                $"output.prefix '{Echo(prefix)}' is not this job's own folder: it must be '{jobId}/' or end in '/{jobId}/', so no job writes among another job's outputs.");

    private static string ContainerName(JsonObject owner, string field, IReadOnlySet<string> allowed)
    {
        var name = RequiredString(owner, field[(field.IndexOf('.') + 1)..], field);
        if (!QueueNames.IsValid(name))
        {
            throw new InvalidJobException("invalid-blob-name", $"{field} '{Echo(name)}' is not a valid container name.");
        }

        return allowed.Contains(name) ? name : throw NotAllowed(field, name, allowed, field.StartsWith("input", StringComparison.Ordinal)
            ? "Storage:AllowedInputContainers"
            : "Storage:AllowedOutputContainers");
    }

    private static InvalidJobException NotAllowed(string field, string name, IReadOnlySet<string> allowed, string setting) =>
        new("container-not-allowed",
            $"{field} '{name}' is not a container jobs may use; allowed: {string.Join(", ", allowed.Order(StringComparer.Ordinal))} ({setting}).");

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

    // Error messages echo user input: short, so a 64 KiB value cannot bloat the job record, and escaped, so a newline
    // or terminal escape in it cannot forge a log line or drive an operator's terminal.
    private static string Echo(string value) => EchoText.Escape(value.Length <= MaxEcho ? value : value[..MaxEcho] + $"… ({value.Length} chars)");
}
