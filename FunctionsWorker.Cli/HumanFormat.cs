using System.Globalization;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Cli;

/// <summary>How the tables show the worker's JSON values: UTC times to the second, durations and ages in the largest sensible unit.</summary>
internal static class HumanFormat
{
    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : node?.ToJsonString();

    public static string? Time(JsonNode? node) => Timestamp(node) is { } at
        ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        : null;

    public static DateTimeOffset? Timestamp(JsonNode? node) =>
        Text(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>How long ago <paramref name="node"/> was, as <c>4s ago</c>.</summary>
    public static string? Age(JsonNode? node, DateTimeOffset now) => Timestamp(node) is { } at ? Span(now - at) + " ago" : null;

    public static string? Milliseconds(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out long ms) ? Span(TimeSpan.FromMilliseconds(ms)) : null;

    private static string Fraction(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0}%");

    public static string Span(TimeSpan span) => span.Duration() switch
    {
        var d when d < TimeSpan.FromSeconds(10) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0}s"),
        var d when d < TimeSpan.FromMinutes(2) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0}s"),
        var d when d < TimeSpan.FromHours(2) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0}m"),
        var d when d < TimeSpan.FromDays(2) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0}h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0}d"),
    };

    /// <summary>A job's progress as <c>stage 40% message</c>, leaving out what is missing; null when all is.</summary>
    public static string? Progress(string? stage, double? fraction, string? message)
    {
        var parts = new[] { stage, fraction is { } f ? Fraction(f) : null, message }.Where(part => !string.IsNullOrEmpty(part)).ToArray();
        return parts.Length == 0 ? null : string.Join(' ', parts);
    }

    /// <summary><c>errorType: errorMessage</c>, cut to <paramref name="max"/> characters; null when neither is set.</summary>
    public static string? Error(JsonNode? errorType, JsonNode? errorMessage, int max = 80)
    {
        var text = (Text(errorType), Text(errorMessage)) switch
        {
            (null, null) => null,
            ({ } type, null) => type,
            (null, { } message) => message,
            ({ } type, { } message) => $"{type}: {message}",
        };
        return text is not null && text.Length > max ? text[..(max - 3)] + "..." : text;
    }
}
