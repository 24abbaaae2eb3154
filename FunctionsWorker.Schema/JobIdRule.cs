using System.Text.RegularExpressions;

namespace FunctionsWorker.Schema;

/// <summary>
/// What a jobId may be (README, Job message): the idempotency key and the record's partition key, so only characters
/// every table key and blob path takes.
/// </summary>
public static partial class JobIdRule
{
    /// <summary>The rule in words, for an error message.</summary>
    public const string Description = "1-64 characters of A-Z, a-z, 0-9, '_' and '-'";

    private const string DeliveryPrefix = "msg-";

    public static bool IsValid(string jobId) => Pattern().IsMatch(jobId);

    /// <summary>
    /// The record key of a delivery that has no valid jobId, or whose failure may not overwrite its job's record:
    /// <c>msg-&lt;messageId&gt;</c>, so even garbage leaves a trace under a key of its own.
    /// </summary>
    public static string ForDelivery(string? messageId) => DeliveryPrefix + messageId;

    /// <summary>Whether <paramref name="key"/> is a delivery's own key (<see cref="ForDelivery"/>) rather than a jobId.</summary>
    public static bool IsDeliveryKey(string key) => key.StartsWith(DeliveryPrefix, StringComparison.Ordinal);

    // \A and \z: $ would also match before a final newline, which storage then rejects.
    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex Pattern();
}
