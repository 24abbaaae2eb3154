using FunctionsWorker.Configuration;

namespace FunctionsWorker.Telemetry;

/// <summary>
/// Which exporters run (README, Telemetry). Read once at registration, because they decide what is registered:
/// <c>Telemetry:PrometheusEnabled</c>, and the standard keys <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>,
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> and <c>OTEL_SERVICE_NAME</c> (environment or app settings).
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The Prometheus scrape endpoint's path, outside the HTTP triggers' route prefix.</summary>
    public const string PrometheusPath = "/metrics";

    /// <summary>Serves <see cref="PrometheusPath"/> (Prometheus text format). Off by default: it has no function key.</summary>
    public bool PrometheusEnabled { get; set; }

    /// <summary>Set: traces, metrics and logs go to this OTLP endpoint (the exporter reads the rest of <c>OTEL_EXPORTER_OTLP_*</c> itself).</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Set: traces, metrics and logs go to Application Insights. A secret: never logged.</summary>
    public string? AzureMonitorConnectionString { get; set; }

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    public string ServiceName { get; set; } = "FunctionsWorker";

    public static TelemetryOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (Setting(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT") is { } endpoint)
        {
            options.OtlpEndpoint = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new InvalidConfigurationException($"OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is not an http or https URI (for example http://localhost:4317).");
        }

        options.AzureMonitorConnectionString = Setting(configuration, "APPLICATIONINSIGHTS_CONNECTION_STRING") ?? options.AzureMonitorConnectionString;
        options.ServiceName = Setting(configuration, "OTEL_SERVICE_NAME") ?? options.ServiceName;
        return options;
    }

    /// <summary>Where the OTLP exporter sends, for the start-up line: scheme, host and port, never user info or a query.</summary>
    public string? OtlpTarget => OtlpEndpoint is { } uri ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : null;

    private static string? Setting(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value.Trim() : null;
}
