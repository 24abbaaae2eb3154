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
        var pairs = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build()
            .AsEnumerable()
            .Where(pair => pair.Value is not null)
            .ToArray();
        return pairs.Select(pair => KeyValuePair.Create($"{HostJsonPrefix}:{pair.Key}", pair.Value))
            .Concat(pairs
                .Where(pair => pair.Key.StartsWith("logging:logLevel:", StringComparison.OrdinalIgnoreCase))
                .Select(pair => KeyValuePair.Create("Logging:LogLevel:" + pair.Key["logging:logLevel:".Length..], pair.Value)));
    }

    internal static Dictionary<string, string?> ReadLocalSettings(string json)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.TryGetProperty("Values", out var values))
        {
            foreach (var value in values.EnumerateObject())
            {
                settings[value.Name.Replace("__", ":", StringComparison.Ordinal)] = value.Value.ValueKind == JsonValueKind.String
                    ? value.Value.GetString()
                    : value.Value.GetRawText();
            }
        }

        if (document.RootElement.TryGetProperty("Host", out var host))
        {
            foreach (var value in host.EnumerateObject())
            {
                settings[$"Host:{value.Name}"] = value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString() : value.Value.GetRawText();
            }
        }

        return settings;
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

            return int.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
                ? port
                : throw new InvalidOperationException($"Setting '{key}' must be a TCP port between 0 and 65535, got '{raw}'.");
        }

        return 7071;
    }
}
