namespace FunctionsWorker.Hosting;

/// <summary>Start-up log lines: the configuration in force, or why the worker cannot start.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Worker {WorkerId} {Version} starting: port {Port}, route prefix '{RoutePrefix}', storage account {StorageAccount}, queue {Queue}, pipelines [{Pipelines}], functionTimeout {FunctionTimeout}, grace {Grace}")]
    public static partial void Starting(ILogger logger, string workerId, string version, int port, string routePrefix, string storageAccount, string queue,
        string pipelines, string functionTimeout, TimeSpan grace);

    [LoggerMessage(EventId = 14, Level = LogLevel.Critical, Message = "Invalid configuration, the worker cannot start: {Errors}")]
    public static partial void InvalidConfiguration(ILogger logger, string errors);

    [LoggerMessage(EventId = 17, Level = LogLevel.Critical, Message = "The worker failed to start: {Error}")]
    public static partial void StartFailed(ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 18, Level = LogLevel.Critical, Message = "Background service {Service} failed and stopped the worker (exit code 1): {Error}")]
    public static partial void BackgroundServiceFailed(ILogger logger, string service, string error);

    [LoggerMessage(EventId = 19, Level = LogLevel.Debug, Message = "Stopping after the failed start failed too: {Error}")]
    public static partial void StopAfterFailedStartFailed(ILogger logger, string error);
}
