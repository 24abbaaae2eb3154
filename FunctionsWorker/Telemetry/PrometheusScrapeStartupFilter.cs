namespace FunctionsWorker.Telemetry;

/// <summary>
/// Serves the Prometheus scrape endpoint ahead of routing, outside the HTTP triggers' prefix and their function key:
/// registered by <c>AddTelemetry</c> only when <c>Telemetry:PrometheusEnabled</c> is true, so the composition maps nothing for it.
/// </summary>
internal sealed class PrometheusScrapeStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseOpenTelemetryPrometheusScrapingEndpoint(TelemetryOptions.PrometheusPath);
        next(app);
    };
}
