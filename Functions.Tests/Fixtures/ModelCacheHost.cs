using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using FunctionsWorker.Inference;

namespace Functions.Tests.Fixtures;

/// <summary>
/// A generic host with <c>AddInference()</c> and the given settings, rooted in its own temp folder: what the worker
/// builds, minus HTTP and queues. Dispose it to stop the host and dispose the model cache, as a shutdown does.
/// </summary>
internal sealed class ModelCacheHost : IAsyncDisposable
{
    private ModelCacheHost(IHost host)
    {
        Host = host;
    }

    public IHost Host { get; }

    public ModelCache Cache => Host.Services.GetRequiredService<ModelCache>();

    public static ModelCacheHost Create(
        string root,
        IDictionary<string, string?> settings,
        string? storageConnectionString = null,
        Action<IServiceCollection>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = root,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Inference:ModelCacheDirectory"] = settings.TryGetValue("Inference:ModelCacheDirectory", out var directory)
                ? directory
                : Path.Combine(root, "cache"),
        });
        // The worker always has one (AddWorkerHost); without Azurite it points at the emulator's default ports, unused.
        builder.Services.AddSingleton(new BlobServiceClient(storageConnectionString ?? "UseDevelopmentStorage=true"));

        builder.AddInference();
        configure?.Invoke(builder.Services);
        return new ModelCacheHost(builder.Build());
    }

    /// <summary>Builds, starts (which validates the options) and returns the host.</summary>
    public static async Task<ModelCacheHost> StartAsync(
        string root,
        IDictionary<string, string?> settings,
        string? storageConnectionString = null,
        Action<IServiceCollection>? configure = null)
    {
        var host = Create(root, settings, storageConnectionString, configure);
        await host.Host.StartAsync();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
