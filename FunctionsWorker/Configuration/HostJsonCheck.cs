namespace FunctionsWorker.Configuration;

/// <summary>
/// At start-up, warns once per host.json key that nothing reads (file or <c>AzureFunctionsJobHost__*</c> app setting),
/// naming the nearest known key, and says so when there is no host.json and the defaults are in force.
/// </summary>
internal sealed class HostJsonCheck(IConfiguration configuration, IHostEnvironment environment, ILogger<HostJsonCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(environment.ContentRootPath, "host.json")))
        {
            Log.NoHostJson(logger, environment.ContentRootPath);
        }

        var keys = configuration.GetSection(FunctionsConfiguration.HostJsonPrefix)
            .AsEnumerable(makePathsRelative: true)
            .Where(pair => pair.Value is not null)
            .Select(pair => pair.Key);
        foreach (var unknown in HostJsonKeyChecker.Check(keys))
        {
            if (unknown.Suggestion is { } suggestion)
            {
                Log.UnknownSetting(logger, unknown.Path, suggestion);
            }
            else
            {
                Log.UnknownSettingWithoutSuggestion(logger, unknown.Path);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
