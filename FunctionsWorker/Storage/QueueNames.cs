using System.Text.RegularExpressions;

namespace FunctionsWorker.Storage;

/// <summary>Azure's naming rules for queues and blob containers (the same shape for both).</summary>
public static partial class QueueNames
{
    public static bool IsValid(string? name) => name is { Length: >= 3 and <= 63 } && NamePattern().IsMatch(name);

    // \A and \z: $ would also match before a final newline.
    [GeneratedRegex(@"\A[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]\z")]
    private static partial Regex NamePattern();
}
