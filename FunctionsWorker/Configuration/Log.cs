namespace FunctionsWorker.Configuration;

/// <summary>Start-up notes about host.json: keys nobody reads, or no file at all.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "host.json: unknown setting '{Setting}'; did you mean '{Suggestion}'? It is ignored.")]
    public static partial void UnknownSetting(ILogger logger, string setting, string suggestion);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "host.json: unknown setting '{Setting}'; it is ignored.")]
    public static partial void UnknownSettingWithoutSuggestion(ILogger logger, string setting);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "No host.json in {ContentRoot}: every host.json setting has its default (functionTimeout, extensions.queues.*, worker.*); app settings AzureFunctionsJobHost__* still apply.")]
    public static partial void NoHostJson(ILogger logger, string contentRoot);
}
