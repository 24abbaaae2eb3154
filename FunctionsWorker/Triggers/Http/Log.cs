namespace FunctionsWorker.Triggers.Http;

/// <summary>HTTP trigger log lines: where the function keys come from. A key's value is never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Warning,
        Message = "No FunctionKey is configured: created the function keys in blob {Container}/{Blob} of the worker's storage account; " +
                  "read the default function key there (or set the app setting FunctionKey)")]
    public static partial void KeysCreated(ILogger logger, string container, string blob);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information,
        Message = "No FunctionKey is configured: the function keys are those of blob {Container}/{Blob} of the worker's storage account")]
    public static partial void KeysRead(ILogger logger, string container, string blob);

    [LoggerMessage(EventId = 602, Level = LogLevel.Error,
        Message = "The function keys in blob {Container}/{Blob} could not be read or created; keyed routes answer 503 until they can: {Error}")]
    public static partial void KeysUnavailable(ILogger logger, string container, string blob, string error);
}
