using System.Text.Json;

namespace FunctionsWorker.Configuration;

/// <summary>
/// Layers configuration the way the Functions host does: host.json under <c>AzureFunctionsJobHost</c>,
/// local.settings.json <c>Values</c> (and its <c>Host</c> section) as app settings, then environment variables,
/// which win (<c>__</c> stands for <c>:</c>).
/// </summary>
public static class FunctionsConfiguration
{
    public const string HostJsonPrefix = "AzureFunctionsJobHost";

    public static void AddFunctionsConfiguration(this IConfigurationBuilder configuration, string contentRoot)
    {
        var hostJson = Path.Combine(contentRoot, "host.json");
        if (File.Exists(hostJson))
        {
            configuration.AddInMemoryCollection(ReadHostJson(hostJson));
        }

        var localSettings = Path.Combine(contentRoot, "local.settings.json");
        if (File.Exists(localSettings))
        {
            configuration.AddInMemoryCollection(ReadLocalSettings(File.ReadAllText(localSettings)));
        }

        // Again last: environment variables override both files, as on Azure.
        configuration.AddEnvironmentVariables();
    }

    /// <summary>host.json under <c>AzureFunctionsJobHost</c>; its <c>logging.logLevel</c> also drives the logger filters, as in Functions.</summary>
    internal static IEnumerable<KeyValuePair<string, string?>> ReadHostJson(string path)
    {
        KeyValuePair<string, string?>[] pairs;
        try
        {
            pairs = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build()
                .AsEnumerable()
                .Where(pair => pair.Value is not null)
                .ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidConfigurationException(DescribeJsonError("host.json", ex), ex);
        }

        return pairs.Select(pair => KeyValuePair.Create($"{HostJsonPrefix}:{pair.Key}", pair.Value))
            .Concat(pairs
                .Where(pair => pair.Key.StartsWith("logging:logLevel:", StringComparison.OrdinalIgnoreCase))
                .Select(pair => KeyValuePair.Create("Logging:LogLevel:" + pair.Key["logging:logLevel:".Length..], pair.Value)));
    }

    internal static Dictionary<string, string?> ReadLocalSettings(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return ReadLocalSettings(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new InvalidConfigurationException(DescribeJsonError("local.settings.json", ex), ex);
        }
    }

    private static Dictionary<string, string?> ReadLocalSettings(JsonElement root)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidConfigurationException($"local.settings.json must be a JSON object like {{ \"Values\": {{ ... }} }}, got {Kind(root)}.");
        }

        foreach (var section in new[] { "Values", "Host" })
        {
            if (root.TryGetProperty(section, out var value) && value.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidConfigurationException($"local.settings.json {section} must be a JSON object of settings, got {Kind(value)}.");
            }
        }

        if (root.TryGetProperty("Values", out var values))
        {
            foreach (var value in values.EnumerateObject())
            {
                settings[value.Name.Replace("__", ":", StringComparison.Ordinal)] = Text(value, "Values");
            }
        }

        if (root.TryGetProperty("Host", out var host))
        {
            foreach (var value in host.EnumerateObject())
            {
                settings[$"Host:{value.Name}"] = Text(value, "Host");
            }
        }

        return settings;
    }

    /// <summary>A setting's text: strings as they are, anything else as its JSON; a string that is not valid text is refused by name.</summary>
    private static string? Text(JsonProperty setting, string section)
    {
        try
        {
            return setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText();
        }
        catch (InvalidOperationException ex)
        {
            // A lone UTF-16 surrogate escaped in the JSON ("\ud800"): valid JSON, but no text.
            throw new InvalidConfigurationException($"local.settings.json {section}:{setting.Name} is not valid text: {ex.Message}", ex);
        }
    }

    /// <summary>The HTTP port: <c>PORT</c>, else <c>Host:LocalHttpPort</c> from local.settings.json, else 7071.</summary>
    public static int ResolvePort(IConfiguration configuration)
    {
        foreach (var key in new[] { "PORT", "Host:LocalHttpPort" })
        {
            var raw = configuration[key];
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            var source = key == "PORT" ? "PORT" : "local.settings.json Host.LocalHttpPort";
            return int.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
                ? port
                : throw new InvalidConfigurationException($"{source} must be a TCP port between 0 and 65535, got '{Shorten(raw)}'.");
        }

        return 7071;
    }

    /// <summary>A setting's value for an error message: short enough for one line.</summary>
    internal static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    /// <summary>One line for a file that is not valid JSON: where (1-based, as editors count) and why, never its content.</summary>
    private static string DescribeJsonError(string file, Exception error)
    {
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                var reason = json.Message;
                var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
                reason = (cut >= 0 ? reason[..cut] : reason).Trim();
                var where = json.LineNumber is { } line ? $" at line {line + 1}, position {(json.BytePositionInLine ?? 0) + 1}" : string.Empty;
                return $"{file} is not valid JSON{where}: {reason}";
            }

            if (inner is FormatException format && inner.InnerException is null)
            {
                // The configuration reader's own objection, for example a key given twice (keys ignore case).
                return $"{file} is not valid: {format.Message}";
            }
        }

        return $"{file} could not be read: {error.Message}";
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
