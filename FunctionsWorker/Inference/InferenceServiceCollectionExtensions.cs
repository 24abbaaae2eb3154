using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using FunctionsWorker.Health;
using FunctionsWorker.Telemetry;
using FunctionsWorker.Background;

namespace FunctionsWorker.Inference;

/// <summary>Registers the model catalog, model store and static model cache.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Inference</c> and <c>Models</c> (validated at startup) and registers the model cache as the
    /// <see cref="IModelProvider"/> and as an <see cref="IWarmupTask"/>, with one source opener per scheme (blob, file,
    /// https, http to loopback). The blob opener needs the <see cref="BlobServiceClient"/> singleton registered for
    /// AzureWebJobsStorage.
    /// </summary>
    public static IHostApplicationBuilder AddInference(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptionsWithValidateOnStart<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>());

        // The catalog's one property, Models, is bound from the root's Models section.
        services.AddOptionsWithValidateOnStart<ModelCatalogOptions>().BindConfiguration(string.Empty);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelCatalogOptions>, ModelCatalogOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        // One opener per source scheme; the blob opener needs the host's BlobServiceClient (AddWorkerHost registers it).
        services.AddHttpClient(HttpModelSourceOpener.ClientName);
        services.AddSingleton<IModelSourceOpener, BlobModelSourceOpener>();
        services.AddSingleton<IModelSourceOpener, FileModelSourceOpener>();
        services.AddSingleton<IModelSourceOpener>(provider =>
            new HttpModelSourceOpener(ModelSource.HttpsScheme, provider.GetRequiredService<IHttpClientFactory>()));
        services.AddSingleton<IModelSourceOpener>(provider =>
            new HttpModelSourceOpener(ModelSource.HttpScheme, provider.GetRequiredService<IHttpClientFactory>()));
        services.TryAddSingleton<ModelStore>();
        services.TryAddSingleton<ExecutionProviderSelector>();
        services.TryAddSingleton(provider => new ModelCache(
            provider.GetRequiredService<IOptions<ModelCatalogOptions>>(),
            provider.GetRequiredService<ModelStore>(),
            provider.GetRequiredService<ExecutionProviderSelector>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ModelCache>>(),
            provider.GetServices<IModelWarmupShapes>()));
        services.TryAddSingleton<IModelProvider>(provider => provider.GetRequiredService<ModelCache>());
        services.TryAddSingleton<IInferenceLoad>(provider => provider.GetRequiredService<ModelCache>());
        services.AddSingleton<IWarmupTask>(provider => provider.GetRequiredService<ModelCache>());
        services.AddHostedServiceAfterListening<BackgroundWarmupService>();
        services.AddSingleton<IStatusSource, ModelCacheStatusSource>();
        services.AddSingleton<ITelemetryGauge, ModelStateGauge>();
        return builder;
    }
}
