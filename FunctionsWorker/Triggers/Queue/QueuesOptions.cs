namespace FunctionsWorker.Triggers.Queue;

/// <summary>host.json <c>extensions.queues</c>: the same names, defaults and meaning as the Azure Functions storage-queue extension.</summary>
public sealed class QueuesOptions
{
    public const string SectionName = "AzureFunctionsJobHost:extensions:queues";

    /// <summary>Messages fetched per receive (1-32).</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>In-flight count at which the next batch is fetched; null means batchSize/2 × processor count.</summary>
    public int? NewBatchThreshold { get; set; }

    /// <summary>Attempts before a message moves to the poison queue.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Delay before a failed message becomes visible again.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Ceiling of the empty-poll back-off; null means 1 minute (2 seconds in Development).</summary>
    public TimeSpan? MaxPollingInterval { get; set; }

    /// <summary><c>base64</c> (default) or <c>none</c>.</summary>
    public string MessageEncoding { get; set; } = "base64";

    public bool IsBase64 => string.Equals(MessageEncoding, "base64", StringComparison.OrdinalIgnoreCase);

    /// <summary>Message text for a JSON body, in the configured encoding (how producers and the reply queue see it).</summary>
    public string Encode(string body) => IsBase64 ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(body)) : body;

    /// <summary>The body of a message's text; throws <see cref="FormatException"/> or <see cref="System.Text.DecoderFallbackException"/> for bad base64 or UTF-8.</summary>
    public string Decode(string text) =>
        IsBase64 ? new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(text)) : text;

    /// <summary>The body of a message's text, or false when it is not valid in the configured encoding.</summary>
    public bool TryDecode(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? body)
    {
        try
        {
            body = Decode(text);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.DecoderFallbackException)
        {
            body = null;
            return false;
        }
    }

    public int EffectiveNewBatchThreshold => NewBatchThreshold ?? BatchSize / 2 * Environment.ProcessorCount;
}
