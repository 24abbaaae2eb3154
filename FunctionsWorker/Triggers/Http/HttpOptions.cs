namespace FunctionsWorker.Triggers.Http;

/// <summary>host.json <c>extensions.http</c> and the HTTP settings of local.settings.json.</summary>
public sealed class HttpOptions
{
    public const string SectionName = "AzureFunctionsJobHost:extensions:http";

    /// <summary>Route prefix of every HTTP trigger (default <c>api</c>; empty for none).</summary>
    public string RoutePrefix { get; set; } = "api";

    /// <summary>When set, <c>/jobs</c> and <c>/status</c> need it as <c>x-functions-key</c> or <c>?code=</c> (app setting <c>FunctionKey</c>).</summary>
    public string? FunctionKey { get; set; }
}
