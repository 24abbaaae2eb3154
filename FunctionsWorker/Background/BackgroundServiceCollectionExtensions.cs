using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FunctionsWorker.Background;

/// <summary>Registers background loops so that none of them delays the server's first answer.</summary>
public static class BackgroundServiceCollectionExtensions
{
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
