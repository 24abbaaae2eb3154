using System.Globalization;

namespace FunctionsWorker.Configuration;

/// <summary>Range checks and formatting for time-span settings, so every validator words them the same way.</summary>
internal static class TimeSpanSetting
{
    /// <summary>Adds "{setting} must be between {minimum} and {maximum}, got {value}." when the value is outside.</summary>
    public static void CheckRange(List<string> errors, string setting, TimeSpan value, TimeSpan minimum, TimeSpan maximum)
    {
        if (value < minimum || value > maximum)
        {
            errors.Add($"{setting} must be between {Format(minimum)} and {Format(maximum)}, got {Format(value)}.");
        }
    }

    /// <summary>The constant format host.json uses (<c>[-][d.]hh:mm:ss[.fff]</c>) without trailing zeros in the fraction.</summary>
    public static string Format(TimeSpan value)
    {
        var text = value.ToString("c", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) && text.LastIndexOf('.') > text.LastIndexOf(':')
            ? text.TrimEnd('0').TrimEnd('.')
            : text;
    }
}
