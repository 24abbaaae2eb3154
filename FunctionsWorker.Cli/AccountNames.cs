using System.Text.RegularExpressions;

namespace FunctionsWorker.Cli;

/// <summary>Storage account names and the public-cloud endpoints they imply.</summary>
internal static partial class AccountNames
{
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    public static Uri? Endpoint(string? accountName, string service) =>
        accountName is null ? null : new Uri($"https://{accountName}.{service}.core.windows.net");

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex Pattern();
}
