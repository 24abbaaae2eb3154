namespace FunctionsWorker.Hosting;

/// <summary>Start-up log lines: the configuration in force, or why the worker cannot start.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Worker {WorkerId} {Version} starting: port {Port}, route prefix '{RoutePrefix}', storage account {StorageAccount}, queue {Queue}, pipelines [{Pipelines}], functionTimeout {FunctionTimeout}, grace {Grace}")]
    public static partial void Starting(ILogger logger, string workerId, string version, int port, string routePrefix, string storageAccount, string queue,
        string pipelines, TimeSpan functionTimeout, TimeSpan grace);

    [LoggerMessage(EventId = 14, Level = LogLevel.Critical, Message = "Invalid configuration, the worker cannot start: {Errors}")]
    public static partial void InvalidConfiguration(ILogger logger, string errors);
}
