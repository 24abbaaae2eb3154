using Microsoft.Extensions.DependencyInjection;

namespace FunctionsWorker.FunctionsHost;

/// <summary>Registers what the Functions host's queue trigger needs beside the shared core.</summary>
public static class FunctionsHostServiceCollectionExtensions
{
    public static IServiceCollection AddFunctionsHostTrigger(this IServiceCollection services)
    {
        services.AddHostedService<HostListenerState>();
        return services;
    }
}
