namespace FunctionsWorker.Chaos;

/// <summary>
/// One message the harness put on the jobs queue: a valid job (checked for exactly one success) or a bad one of a
/// named kind (checked for poison with its reason); <see cref="MessageIds"/> holds every copy sent (twins).
/// </summary>
internal sealed class SentMessage(string kind, string? jobId, string text, bool valid)
{
    public string Kind { get; } = kind;

    /// <summary>The job id the worker records it under; null when the message has none that is valid.</summary>
    public string? JobId { get; } = jobId;

    /// <summary>The exact message text on the queue (base64 of the JSON, or the raw text for bad base64).</summary>
    public string Text { get; } = text;

    public bool Valid { get; } = valid;

    public List<string> MessageIds { get; } = [];
}
