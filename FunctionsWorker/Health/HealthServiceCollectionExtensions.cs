using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Health;

/// <summary>Registers what every part reports to: the worker's state, its health and the warm-up service.</summary>
public static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddWorkerHealth(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptionsWithValidateOnStart<WarmupOptions>().BindConfiguration(WarmupOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WarmupOptions>, WarmupOptionsValidator>());
        services.TryAddSingleton<WorkerState>();
        services.TryAddSingleton<WorkerHealth>();
        services.AddHostedService<WarmupService>();
        return services;
    }
}
