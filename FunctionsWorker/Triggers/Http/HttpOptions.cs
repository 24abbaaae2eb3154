namespace FunctionsWorker.Triggers.Http;

/// <summary>host.json <c>extensions.http</c> and the HTTP settings of local.settings.json.</summary>
public sealed class HttpOptions
{
    public const string SectionName = "AzureFunctionsJobHost:extensions:http";

    /// <summary>The app setting naming the host id, as in Functions.</summary>
    public const string HostIdSetting = "AzureFunctionsWebHost:hostid";

    /// <summary>Route prefix of every HTTP trigger (default <c>api</c>; empty for none).</summary>
    public string RoutePrefix { get; set; } = "api";

    /// <summary>
    /// The key every route but health and ready needs, as <c>x-functions-key</c> or <c>?code=</c> (app setting
    /// <c>FunctionKey</c>). Unset outside Development, the worker uses the keys of <c>azure-webjobs-secrets/{HostId}/host.json</c>,
    /// creating them on first start.
    /// </summary>
    public string? FunctionKey { get; set; }

    /// <summary>
    /// Names the worker's keys file (<c>AzureFunctionsWebHost:hostid</c>, else the container app's or site's name, else
    /// <c>functionsworker</c>): every replica of one app shares it, so they share one key.
    /// </summary>
    public string HostId { get; set; } = "functionsworker";

    /// <summary>
    /// List requests (jobs, poison, workers) one client address may make per minute before it gets 429 with Retry-After
    /// (host.json <c>extensions.http.requestsPerMinute</c>). The dashboard makes about 80 a minute per open page.
    /// </summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>
    /// Wrong keys one client address may send per minute; after that even the right key gets 429 until the minute ends
    /// (host.json <c>extensions.http.failedKeyChecksPerMinute</c>).
    /// </summary>
    public int FailedKeyChecksPerMinute { get; set; } = 30;
}
