namespace FunctionsWorker.Background;

/// <summary>Background-service log lines.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Critical, Message = "Background service {Service} failed")]
    public static partial void BackgroundServiceFaulted(ILogger logger, string service, Exception exception);
}
