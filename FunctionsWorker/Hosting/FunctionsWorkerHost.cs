using FunctionsWorker.Configuration;
using FunctionsWorker.Health;
using FunctionsWorker.Imaging;
using FunctionsWorker.Inference;
using FunctionsWorker.Jobs;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Pipelines.Delay;
using FunctionsWorker.Pipelines.Image;
using FunctionsWorker.Pipelines.Ocr;
using FunctionsWorker.Pipelines.Thumbnail;
using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Http;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Hosting;

/// <summary>
/// The composition root: the one place the worker is put together, called by Program.cs, the test host and the
/// benchmark alike. Each folder registers its own services; this class only calls them in order.
/// </summary>
public static class FunctionsWorkerHost
{
    /// <summary>
    /// The worker's web application builder: the slim builder (no HTTPS, IIS or static files to set up) with
    /// configuration reload off. Reload watches the whole content root, which costs hundreds of milliseconds on
    /// a folder like a repository with node_modules, and a worker re-reads its settings only on restart anyway.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(WebApplicationOptions options) =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [.. options.Args ?? [], "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = options.ContentRootPath,
            EnvironmentName = options.EnvironmentName,
            ApplicationName = options.ApplicationName ?? typeof(FunctionsWorkerHost).Assembly.GetName().Name,
        });

    /// <summary>
    /// Layers host.json, local.settings.json and the environment as Functions does (then <paramref name="settings"/>,
    /// which win: tests and the benchmark pass theirs here), and registers every part of the worker.
    /// </summary>
    public static WebApplicationBuilder AddFunctionsWorker(this WebApplicationBuilder builder, IDictionary<string, string?>? settings = null)
    {
        builder.Configuration.AddFunctionsConfiguration(builder.Environment.ContentRootPath);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.WebHost.UseUrls($"http://0.0.0.0:{FunctionsConfiguration.ResolvePort(builder.Configuration)}");
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
            console.UseUtcTimestamp = true;
            console.IncludeScopes = true;
        });

        // Pipelines run CPU-bound work on pool threads; a floor above the core count keeps lease renewals,
        // the listener and the HTTP triggers from waiting for the pool's slow thread injection.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount * 8), io);

        // Bottom to top, as the folders depend on each other (README, Architecture).
        builder.Services
            .AddWorkerOptions()
            .AddWorkerHealth()
            .AddWorkerStorage()
            .AddImaging();
        builder.AddInference();
        builder.Services.AddPipelineRegistry();
        builder.AddThumbnailPipeline();
        builder.AddDelayPipeline();
        builder.AddOcrPipeline();
        builder.AddImagePipeline();
        builder.Services
            .AddJobs()
            .AddQueueTrigger()
            .AddHttpTriggers();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
            host.ShutdownTimeout = worker.Value.ShutdownGracePeriod + TimeSpan.FromSeconds(15));
        return builder;
    }

    /// <summary>Runs the worker; a configuration error ends it with exit code 1 and a message naming the setting.</summary>
    public static async Task<int> RunWorkerAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FunctionsWorker");
        try
        {
            // Logged once listening: resolving the storage clients and pipelines must not delay the first health answer.
            app.Lifetime.ApplicationStarted.Register(() => LogStartup(app, logger));
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            Log.InvalidConfiguration(logger, string.Join(" ", ex.Failures));
            return 1;
        }
    }

    private static void LogStartup(WebApplication app, ILogger logger)
    {
        var services = app.Services;
        var worker = services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        Log.Starting(logger, services.GetRequiredService<WorkerState>().WorkerId, HealthFunctions.Version,
            FunctionsConfiguration.ResolvePort(app.Configuration),
            services.GetRequiredService<IOptions<HttpOptions>>().Value.RoutePrefix,
            services.GetRequiredService<StorageClients>().AccountName, storage.JobsQueueName,
            string.Join(", ", services.GetRequiredService<PipelineRegistry>().Names.Order(StringComparer.Ordinal)),
            worker.FunctionTimeout, worker.ShutdownGracePeriod);
    }
}
