namespace FunctionsWorker.Configuration;

/// <summary>A host.json key the worker does not know (dotted, as written), and the known key it most likely meant.</summary>
public sealed record UnknownHostSetting(string Path, string? Suggestion);
