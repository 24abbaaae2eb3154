using FunctionsWorker.Configuration;
using FunctionsWorker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Functions.Tests.Unit;

/// <summary>What <c>AddTelemetry</c> registers for a given configuration, read from the built (not started) worker.</summary>
public sealed class TelemetryRegistrationTests
{
    [Fact]
    public async Task ConsoleLogs_SimpleByDefault()
    {
        await using var app = Build([]);
        Assert.Equal(ConsoleFormatterNames.Simple, app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public async Task ConsoleLogs_JsonWhenConfigured_WithTheJsonFormatterRegistered()
    {
        await using var app = Build(new() { ["Logging:Console:FormatterName"] = "json" });

        Assert.Equal(ConsoleFormatterNames.Json, app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.Contains(app.Services.GetServices<ConsoleFormatter>(), formatter => formatter.Name == ConsoleFormatterNames.Json);
        var json = app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;
        Assert.True(json.UseUtcTimestamp);
        Assert.True(json.IncludeScopes);
    }

    [Fact]
    public async Task Exporters_ChosenBySettings_ProvidersBuild()
    {
        // Nothing listens on these: this shows the registrations compose, not that the exporters deliver.
        await using var app = Build(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
            ["Telemetry:PrometheusEnabled"] = "true",
        });

        Assert.NotNull(app.Services.GetRequiredService<TracerProvider>());
        Assert.NotNull(app.Services.GetRequiredService<MeterProvider>());
        Assert.Contains(app.Services.GetServices<IStartupFilter>(), filter => filter.GetType().Name == "PrometheusScrapeStartupFilter");
    }

    [Fact]
    public void OtlpEndpoint_NotAUri_IsAConfigurationError_NamingTheSetting()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Build(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "collector:4317 " }));
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", error.Message, StringComparison.Ordinal);
    }

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var root = Directory.CreateTempSubdirectory("telemetry-test-").FullName;
        var builder = FunctionsWorkerHost.CreateBuilder(new WebApplicationOptions { ContentRootPath = root });
        builder.AddFunctionsWorker(settings);
        return builder.Build();
    }
}
