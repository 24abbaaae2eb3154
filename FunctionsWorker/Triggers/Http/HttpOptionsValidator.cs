using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

internal sealed partial class HttpOptionsValidator : IValidateOptions<HttpOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpOptions options)
    {
        var errors = new List<string>();
        if (!HostIdPattern().IsMatch(options.HostId))
        {
            errors.Add($"{HttpOptions.HostIdSetting} must be 1-32 lowercase letters, digits and hyphens, not starting or ending with a hyphen.");
        }

        if (options.RequestsPerMinute < 1)
        {
            errors.Add($"host.json extensions.http.requestsPerMinute must be at least 1, got {options.RequestsPerMinute}.");
        }

        if (options.FailedKeyChecksPerMinute < 1)
        {
            errors.Add($"host.json extensions.http.failedKeyChecksPerMinute must be at least 1, got {options.FailedKeyChecksPerMinute}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A container app's or site's name as a host id: lowercase, other characters as hyphens, at most 32 characters.</summary>
    internal static string ToHostId(string name)
    {
        var id = NotHostIdCharacter().Replace(name.ToLowerInvariant(), "-");
        id = (id.Length > 32 ? id[..32] : id).Trim('-');
        return id.Length == 0 ? "functionsworker" : id;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")]
    private static partial Regex HostIdPattern();

    [GeneratedRegex("[^a-z0-9-]")]
    private static partial Regex NotHostIdCharacter();
}
