using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FunctionsWorker.State;

/// <summary>Registers the worker's live state, which every part above reports to.</summary>
public static class StateServiceCollectionExtensions
{
    public static IServiceCollection AddWorkerState(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkerState>();
        return services;
    }
}
