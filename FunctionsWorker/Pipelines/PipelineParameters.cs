using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionsWorker.Errors;

namespace FunctionsWorker.Pipelines;

/// <summary>Typed, validated access to a job's <c>parameters</c>; a bad value is a permanent <c>invalid-parameter</c> error.</summary>
public sealed class PipelineParameters(JsonObject? values)
{
    public static PipelineParameters Empty { get; } = new(null);

    public int GetInt32(string name, int defaultValue, int min, int max)
    {
        var node = Get(name);
        if (node is null)
        {
            return defaultValue;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue(out int value))
        {
            throw Invalid(name, $"must be an integer between {min} and {max}");
        }

        return value < min || value > max ? throw Invalid(name, $"must be between {min} and {max}, got {value}") : value;
    }

    public bool GetBoolean(string name, bool defaultValue)
    {
        var node = Get(name);
        return node switch
        {
            null => defaultValue,
            _ when node.GetValueKind() == JsonValueKind.True => true,
            _ when node.GetValueKind() == JsonValueKind.False => false,
            _ => throw Invalid(name, "must be true or false"),
        };
    }

    public string? GetString(string name)
    {
        var node = Get(name);
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Invalid(name, "must be a string");
    }

    /// <summary>A string restricted to a fixed set, compared case-insensitively; returns the canonical choice.</summary>
    public string GetChoice(string name, string defaultValue, params string[] choices)
    {
        var value = GetString(name);
        if (value is null)
        {
            return defaultValue;
        }

        return choices.FirstOrDefault(c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(name, $"must be one of {string.Join(", ", choices)}, got '{value}'");
    }

    private JsonNode? Get(string name) =>
        values is not null && values.TryGetPropertyValue(name, out var node) ? node : null;

    private static InvalidJobException Invalid(string name, string problem) =>
        new("invalid-parameter", string.Create(CultureInfo.InvariantCulture, $"parameters.{name} {problem}."));
}
