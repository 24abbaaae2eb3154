using System.Diagnostics.CodeAnalysis;
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
        services.AddHostedServiceAfterListening<WarmupService>();
        return services;
    }

    /// <summary>
    /// Adds <typeparamref name="TService"/> as a hosted service constructed and started only once the server listens
    /// (<see cref="StartAfterListening{TService}"/>), for a service whose dependencies are costly to build.
    /// </summary>
    public static IServiceCollection AddHostedServiceAfterListening<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService>(this IServiceCollection services)
        where TService : class, IHostedService
    {
        services.TryAddSingleton<TService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StartAfterListening<TService>>());
        return services;
    }
}
