namespace FunctionsWorker.Configuration;

/// <summary>
/// Whether the worker runs as a local development run, as Functions decides it: <c>AZURE_FUNCTIONS_ENVIRONMENT</c>
/// or the host's environment (<c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c>) set to Development. Only such a
/// run is open without a function key and listens on loopback by default.
/// </summary>
public static class FunctionsEnvironment
{
    public const string Setting = "AZURE_FUNCTIONS_ENVIRONMENT";

    public static bool IsDevelopment(IHostEnvironment environment, IConfiguration configuration) =>
        configuration[Setting] is { Length: > 0 } functions
            ? string.Equals(functions, Environments.Development, StringComparison.OrdinalIgnoreCase)
            : environment.IsDevelopment();
}
