using System.Text.RegularExpressions;

namespace FunctionsWorker.Storage;

/// <summary>Azure's naming rules for queues and blob containers (the same shape for both).</summary>
public static partial class QueueNames
{
    public static bool IsValid(string? name) => name is { Length: >= 3 and <= 63 } && NamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$")]
    private static partial Regex NamePattern();
}
