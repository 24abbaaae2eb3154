using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using FunctionsWorker.Background;
using FunctionsWorker.Telemetry;

namespace FunctionsWorker.Storage;

/// <summary>Registers the storage settings, the process's clients, the job blob access and the queue lengths (with their gauge).</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddWorkerStorage(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<StorageOptions>().BindConfiguration(string.Empty);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.AddOptionsWithValidateOnStart<ContainerAccessOptions>().BindConfiguration(ContainerAccessOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContainerAccessOptions>, ContainerAccessOptionsValidator>());
        services.AddOptionsWithValidateOnStart<ResultLinkOptions>().BindConfiguration(ResultLinkOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResultLinkOptions>, ResultLinkOptionsValidator>());
        services.TryAddSingleton<StorageClients>();
        services.TryAddSingleton(provider => provider.GetRequiredService<StorageClients>().Blobs);
        services.TryAddSingleton<JobBlobs>();
        services.AddHostedServiceAfterListening<StorageProbe>();
        services.TryAddSingleton<QueueLengths>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITelemetryGauge, QueueLengthGauge>());
        return services;
    }
}
