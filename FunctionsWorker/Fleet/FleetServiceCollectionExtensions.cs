using Microsoft.Extensions.DependencyInjection.Extensions;
using FunctionsWorker.Background;

namespace FunctionsWorker.Fleet;

/// <summary>Registers the fleet: table <c>workers</c> and this worker's heartbeat in it.</summary>
public static class FleetServiceCollectionExtensions
{
    public static IServiceCollection AddFleet(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<FleetOptions>().BindConfiguration(string.Empty);
        services.TryAddSingleton<WorkerRegistry>();
        services.AddHostedServiceAfterListening<FleetHeartbeat>();
        return services;
    }
}
