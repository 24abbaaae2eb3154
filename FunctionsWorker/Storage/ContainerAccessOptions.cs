namespace FunctionsWorker.Storage;

/// <summary>
/// Which blob containers jobs may touch (section <c>Storage</c>): a job reads only from the input containers and
/// writes only to the output containers, so no message can reach the model container or anything else in the account.
/// </summary>
public sealed class ContainerAccessOptions
{
    public const string SectionName = "Storage";

    /// <summary>Comma-separated container names jobs may read their input from (<c>Storage:AllowedInputContainers</c>).</summary>
    public string AllowedInputContainers { get; set; } = "inputs";

    /// <summary>Comma-separated container names jobs may write their outputs to (<c>Storage:AllowedOutputContainers</c>).</summary>
    public string AllowedOutputContainers { get; set; } = "outputs";

    public IReadOnlySet<string> InputContainers => Split(AllowedInputContainers);

    public IReadOnlySet<string> OutputContainers => Split(AllowedOutputContainers);

    internal static IReadOnlySet<string> Split(string names) =>
        names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}
