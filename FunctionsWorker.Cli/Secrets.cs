using System.Text.RegularExpressions;

namespace FunctionsWorker.Cli;

/// <summary>Masks credentials in any text the CLI prints: connection-string keys, SAS signatures, function keys.</summary>
internal static partial class Secrets
{
    public static string Redact(string text) => SecretPattern().Replace(text, match => match.Groups["name"].Value + "***");

    [GeneratedRegex(@"(?<name>(AccountKey|SharedAccessSignature|SharedAccessKey|sig|code|x-functions-key)\s*[=:]\s*)[^;&\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();
}
