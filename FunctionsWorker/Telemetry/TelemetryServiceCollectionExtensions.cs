using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using FunctionsWorker.State;
using FunctionsWorker.Background;

namespace FunctionsWorker.Telemetry;

/// <summary>Registers the worker's traces, metrics, exporters and console log format (README, Telemetry).</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Tracer and meter providers for the <c>FunctionsWorker</c> source and meter (plus ASP.NET Core requests, probes
    /// and scrapes left out, and the runtime's meters), with the exporters the settings ask for: OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is,
    /// <c>/metrics</c> when <c>Telemetry:PrometheusEnabled</c> is true. The providers exist even with no exporter, so a
    /// host (the tests' in-memory exporter) can add one. Call after the console logger is added: its formatter becomes
    /// selectable by <c>Logging:Console:FormatterName</c> (<c>simple</c>, the default, <c>json</c> or <c>systemd</c>).
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = TelemetryOptions.Read(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddHostedServiceAfterListening<WorkerGauges>();
        SelectConsoleFormatter(services);

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceVersion: WorkerState.Version,
                // The same id as WorkerState.WorkerId, so a trace or a series is found under the worker /api/status names.
                serviceInstanceId: $"{Environment.MachineName}-{Environment.ProcessId}"))
            .WithTracing(tracing => tracing
                .AddSource(WorkerTelemetry.Name)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsProbeOrScrape(context.Request.Path)))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(WorkerTelemetry.Name, "Microsoft.AspNetCore.Hosting", "System.Runtime");
                if (options.PrometheusEnabled)
                {
                    metrics.AddPrometheusExporter();
                }
            });

        if (options.PrometheusEnabled)
        {
            services.AddTransient<IStartupFilter, PrometheusScrapeStartupFilter>();
        }

        if (options.OtlpEndpoint is not null)
        {
            // All three signals; the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _PROTOCOL from configuration.
            telemetry.UseOtlpExporter();
        }

        if (options.AzureMonitorConnectionString is { } connectionString)
        {
            telemetry
                .WithTracing(tracing => tracing.AddAzureMonitorTraceExporter(azure => azure.ConnectionString = connectionString))
                .WithMetrics(metrics => metrics.AddAzureMonitorMetricExporter(azure => azure.ConnectionString = connectionString))
                .WithLogging(logging => logging.AddAzureMonitorLogExporter(azure => azure.ConnectionString = connectionString));
        }

        return builder;
    }

    /// <summary>
    /// The host adds the simple formatter and names it, which would override <c>Logging:Console:FormatterName</c>; this
    /// runs after that and lets the setting win. The built-in formatters are all registered with the console logger.
    /// </summary>
    private static void SelectConsoleFormatter(IServiceCollection services)
    {
        services.AddOptions<ConsoleLoggerOptions>().Configure<ILoggerProviderConfiguration<ConsoleLoggerProvider>>((console, configuration) =>
        {
            if (configuration.Configuration[nameof(ConsoleLoggerOptions.FormatterName)] is { Length: > 0 } name)
            {
                console.FormatterName = name.Trim();
            }
        });
        services.Configure<JsonConsoleFormatterOptions>(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(TelemetryOptions.PrometheusPath, StringComparison.OrdinalIgnoreCase) ||
        path.Value is { } value && (value.EndsWith("/health", StringComparison.OrdinalIgnoreCase) || value.EndsWith("/ready", StringComparison.OrdinalIgnoreCase));
}
