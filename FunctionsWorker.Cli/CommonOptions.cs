using System.CommandLine;

namespace FunctionsWorker.Cli;

/// <summary>Options every command shares.</summary>
internal static class CommonOptions
{
    public static Option<string> Storage() => new("--storage")
    {
        Description = "Storage connection string (default: $AzureWebJobsStorage, else UseDevelopmentStorage=true for Azurite).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AzureWebJobsStorage") is { Length: > 0 } value ? value : "UseDevelopmentStorage=true",
    };
}
