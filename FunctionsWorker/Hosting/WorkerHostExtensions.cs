using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using FunctionsWorker.Functions;
using FunctionsWorker.Imaging;
using FunctionsWorker.Jobs;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Hosting;

/// <summary>Composition of the Functions-style host: configuration, options, storage, jobs, listener, warm-up, HTTP triggers.</summary>
public static class WorkerHostExtensions
{
    /// <summary>
    /// The worker's web application builder: the slim builder (no HTTPS, IIS or static files to set up) with
    /// configuration reload off. Reload watches the whole content root, which costs hundreds of milliseconds on
    /// a folder like a repository with node_modules, and a worker re-reads its settings only on restart anyway.
    /// </summary>
    public static WebApplicationBuilder CreateWorkerBuilder(WebApplicationOptions options) =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [.. options.Args ?? [], "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = options.ContentRootPath,
            EnvironmentName = options.EnvironmentName,
            ApplicationName = options.ApplicationName ?? typeof(WorkerHostExtensions).Assembly.GetName().Name,
        });

    public static WebApplicationBuilder AddWorkerHost(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddFunctionsConfiguration(builder.Environment.ContentRootPath);
        var port = FunctionsConfiguration.ResolvePort(builder.Configuration);
        builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
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

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptionsWithValidateOnStart<QueuesOptions>().BindConfiguration(QueuesOptions.SectionName);
        services.AddSingleton<IValidateOptions<QueuesOptions>, QueuesOptionsValidator>();
        services.AddOptionsWithValidateOnStart<WorkerOptions>()
            .BindConfiguration(WorkerOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                // functionTimeout sits at the top of host.json, as in Functions.
                if (configuration[$"{FunctionsConfiguration.HostJsonPrefix}:functionTimeout"] is { Length: > 0 } timeout)
                {
                    options.FunctionTimeout = TimeSpan.TryParse(timeout, System.Globalization.CultureInfo.InvariantCulture, out var value)
                        ? value
                        : throw new OptionsValidationException("functionTimeout", typeof(WorkerOptions),
                            [$"host.json functionTimeout must be a time span like 00:30:00, got '{timeout}'."]);
                }
            });
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.AddOptionsWithValidateOnStart<WarmupOptions>().BindConfiguration(WarmupOptions.SectionName);
        services.AddOptionsWithValidateOnStart<HttpOptions>()
            .BindConfiguration(HttpOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) => options.FunctionKey = configuration["FunctionKey"]);
        services.AddOptionsWithValidateOnStart<StorageOptions>().BindConfiguration(string.Empty);
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddOptionsWithValidateOnStart<ImagingOptions>().BindConfiguration(ImagingOptions.SectionName).ValidateDataAnnotations();
        services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
            host.ShutdownTimeout = worker.Value.ShutdownGracePeriod + TimeSpan.FromSeconds(15));

        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddProblemDetails();

        services.AddSingleton<StorageClients>();
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Blobs);
        services.AddSingleton<JobBlobs>();
        services.AddSingleton<JobRecordStore>();
        services.AddSingleton<ReplySender>();
        services.AddSingleton<JobProcessor>();
        services.AddSingleton<ImageDecoder>();
        services.AddSingleton<PipelineRegistry>();
        services.AddSingleton<IPipeline, ThumbnailPipeline>();
        if (builder.Configuration.GetValue<bool>(DelayPipeline.EnabledSetting))
        {
            services.AddSingleton<IPipeline, DelayPipeline>();
        }

        services.AddSingleton<WorkerState>();
        services.AddSingleton<WorkerHealth>();
        services.AddSingleton<FunctionKeyFilter>();
        services.AddHostedService<WarmupService>();
        services.AddHostedService<QueueListener>();
        return builder;
    }

    /// <summary>Maps the HTTP triggers under host.json's <c>extensions.http.routePrefix</c>.</summary>
    public static WebApplication MapFunctions(this WebApplication app)
    {
        var prefix = app.Services.GetRequiredService<IOptions<HttpOptions>>().Value.RoutePrefix.Trim('/');
        var group = app.MapGroup(prefix.Length == 0 ? "/" : "/" + prefix);
        group.MapHealthFunctions();
        group.MapJobFunctions();
        return app;
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
