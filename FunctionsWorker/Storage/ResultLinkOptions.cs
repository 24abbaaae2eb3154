namespace FunctionsWorker.Storage;

/// <summary>Opt-in readable links to a job's outputs (section <c>Storage</c>).</summary>
public sealed class ResultLinkOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// How long the read-only link written beside each output in <c>result.json</c> stays valid
    /// (<c>Storage:ResultLinkLifetime</c>); null (the default): no links. A link is a SAS for that one blob, signed with
    /// a user delegation key when the worker signs in with an identity, or with the account key when its connection
    /// string has one; never the connection's own SAS (with such a connection there are no links).
    /// </summary>
    public TimeSpan? ResultLinkLifetime { get; set; }
}
