namespace FunctionsWorker.Storage;

/// <summary>
/// What jobs may touch in the account (section <c>Storage</c>): a job reads only from the input containers, writes
/// only to the output containers and replies only to the reply queues, so no message can reach the model container,
/// another queue or anything else in the account.
/// </summary>
public sealed class ContainerAccessOptions
{
    public const string SectionName = "Storage";

    /// <summary>Comma-separated container names jobs may read their input from (<c>Storage:AllowedInputContainers</c>).</summary>
    public string AllowedInputContainers { get; set; } = "inputs";

    /// <summary>Comma-separated container names jobs may write their outputs to (<c>Storage:AllowedOutputContainers</c>).</summary>
    public string AllowedOutputContainers { get; set; } = "outputs";

    /// <summary>
    /// Comma-separated queue names a job's <c>replyTo</c> may name (<c>Storage:AllowedReplyQueues</c>); empty: no replies.
    /// The worker never creates them: a reply to a queue that does not exist is logged and dropped.
    /// </summary>
    public string AllowedReplyQueues { get; set; } = "results";

    public IReadOnlySet<string> InputContainers => Split(AllowedInputContainers);

    public IReadOnlySet<string> ReplyQueues => Split(AllowedReplyQueues);

    public IReadOnlySet<string> OutputContainers => Split(AllowedOutputContainers);

    internal static IReadOnlySet<string> Split(string names) =>
        names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}
