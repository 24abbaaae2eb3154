using System.Text.RegularExpressions;

namespace FunctionsWorker.Cli;

/// <summary>The worker's job id rule: 1-64 characters of <c>[A-Za-z0-9_-]</c>.</summary>
internal static partial class JobIds
{
    public static string New() => Guid.NewGuid().ToString("N");

    public static string Validate(string jobId) => Valid().IsMatch(jobId)
        ? jobId
        : throw CliException.BadInput($"job id '{jobId}' must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'.");

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Valid();
}
