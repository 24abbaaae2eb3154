using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using FunctionsWorker.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Hosting;

/// <summary>
/// Turns what stops the worker from starting into one line an operator can act on: the setting or file, what is
/// allowed and what was found. Null for anything else, which is a defect and keeps its stack trace.
/// </summary>
internal static partial class StartupError
{
    public static string? Describe(Exception error, int? port)
    {
        foreach (var exception in Chain(error))
        {
            switch (exception)
            {
                case OptionsValidationException validation:
                    return string.Join(" ", validation.Failures);
                case InvalidConfigurationException configuration:
                    return configuration.Message;
                case AddressInUseException:
                    return $"Port {(port is { } p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")} is already in use (PORT / Host:LocalHttpPort): stop what holds it or choose another port.";
                case InvalidOperationException binding when BindingFailure().Match(binding.Message) is { Success: true } match:
                    return DescribeBindingFailure(match.Groups["path"].Value, match.Groups["value"].Value, match.Groups["type"].Value);
            }
        }

        return null;
    }

    /// <summary>True when the settings themselves were refused (validation, a settings file, a value the binder cannot convert).</summary>
    public static bool IsRefusedSetting(Exception error) =>
        Chain(error).Any(exception => exception is OptionsValidationException or InvalidConfigurationException
            || (exception is InvalidOperationException && BindingFailure().IsMatch(exception.Message)));

    /// <summary>
    /// The configuration binder's "Failed to convert configuration value 'abc' at 'AzureFunctionsJobHost:worker:LeaseDuration'
    /// to type 'System.TimeSpan'" as "host.json worker.leaseDuration must be a time span like 00:01:00, got 'abc'."
    /// </summary>
    internal static string DescribeBindingFailure(string path, string value, string type)
    {
        var prefix = FunctionsConfiguration.HostJsonPrefix + ":";
        var setting = path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? "host.json " + string.Join('.', path[prefix.Length..].Split(':').Select(CamelCase))
            : "app setting " + path;
        return $"{setting} must be {Expected(type)}, got '{FunctionsConfiguration.Shorten(value)}'.";
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification =
        "The type named is an options property's enum, kept with the options; were it trimmed the message would say 'a valid <name>' instead of listing the values.")]
    private static string Expected(string type)
    {
        if (type.Contains("System.TimeSpan", StringComparison.Ordinal))
        {
            return "a time span like 00:01:00 ([d.]hh:mm:ss[.fff])";
        }

        if (type.Contains("System.Boolean", StringComparison.Ordinal))
        {
            return "true or false";
        }

        if (type.Contains("System.Int", StringComparison.Ordinal) || type.Contains("System.UInt", StringComparison.Ordinal)
            || type.Contains("System.Long", StringComparison.Ordinal))
        {
            return "a whole number";
        }

        if (type.Contains("System.Double", StringComparison.Ordinal) || type.Contains("System.Single", StringComparison.Ordinal)
            || type.Contains("System.Decimal", StringComparison.Ordinal))
        {
            return "a number";
        }

        var named = typeof(StartupError).Assembly.GetType(type);
        return named is { IsEnum: true }
            ? "one of " + string.Join(", ", Enum.GetNames(named).Select(name => name.ToLowerInvariant()))
            : "a valid " + type[(type.LastIndexOf('.') + 1)..];
    }

    private static string CamelCase(string segment) =>
        segment.Length == 0 || char.IsLower(segment[0]) ? segment : char.ToLowerInvariant(segment[0]) + segment[1..];

    private static IEnumerable<Exception> Chain(Exception error)
    {
        var pending = new Stack<Exception>([error]);
        while (pending.TryPop(out var exception))
        {
            yield return exception;
            if (exception is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.Reverse())
                {
                    pending.Push(inner);
                }
            }
            else if (exception.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<path>[^']+)' to type '(?<type>[^']+)'\.$", RegexOptions.Singleline)]
    private static partial Regex BindingFailure();
}
