using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using FunctionsWorker.Background;

namespace FunctionsWorker.Health;

/// <summary>Registers the worker's health and the warm-up service.</summary>
public static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddWorkerHealth(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<WarmupOptions>().BindConfiguration(WarmupOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WarmupOptions>, WarmupOptionsValidator>());
        services.TryAddSingleton<WorkerHealth>();
        services.AddHostedServiceAfterListening<WarmupService>();
        return services;
    }
}
