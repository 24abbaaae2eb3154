namespace FunctionsWorker.Telemetry;

/// <summary>Telemetry log lines (event ids 500-599).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information,
        Message = "Telemetry: OTLP {Otlp}, Azure Monitor {AzureMonitor}, Prometheus {Prometheus}")]
    public static partial void Configured(ILogger logger, string otlp, string azureMonitor, string prometheus);
}
