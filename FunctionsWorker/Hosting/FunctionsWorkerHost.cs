using FunctionsWorker.Configuration;
using FunctionsWorker.Dashboard;
using FunctionsWorker.Fleet;
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
using FunctionsWorker.Telemetry;
using FunctionsWorker.Triggers.Http;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using FunctionsWorker.State;
using FunctionsWorker.Background;

namespace FunctionsWorker.Hosting;

/// <summary>
/// The composition root: the one place the worker is put together, called by Program.cs, the test host and the
/// benchmark alike. Each folder registers its own services; this class only calls them in order.
/// </summary>
public static class FunctionsWorkerHost
{
    /// <summary>
    /// Builds and runs the worker inside one error boundary: a bad setting or settings file, or a port in use, ends
    /// it with exit code 1 and one line naming the setting or file; anything else that stops the start is logged with
    /// its stack trace (a defect) and also exits 1. A background service that fails and stops the host exits 1 too.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication? app = null;
        int? port = null;
        try
        {
            var builder = CreateBuilder(new WebApplicationOptions { Args = args });
            builder.AddFunctionsWorker();
            port = FunctionsConfiguration.ResolvePort(builder.Configuration);
            app = builder.Build();
            app.MapFunctions();
            app.MapDashboard();
            return await app.RunWorkerAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not the app's loggers: the failure may come before they exist, or from the settings that configure them.
            using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(ConfigureConsole));
            var logger = loggers.CreateLogger("FunctionsWorker");
            if (StartupError.Describe(ex, port) is { } line)
            {
                Log.InvalidConfiguration(logger, line);
            }
            else
            {
                Log.StartFailed(logger, ex.Message, ex);
            }

            return 1;
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

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
    /// The self-hosted worker: the shared core (<see cref="AddWorkerCore"/>) served by its own Kestrel on the Functions
    /// port, logging to the console, with its own queue listener.
    /// </summary>
    public static WebApplicationBuilder AddFunctionsWorker(this WebApplicationBuilder builder, IDictionary<string, string?>? settings = null)
    {
        // Before the core: its telemetry switches the console to JSON when Logging:Console:FormatterName says so.
        builder.Logging.AddSimpleConsole(ConfigureConsole);
        builder.AddWorkerCore(settings);

        // A Development run listens on loopback only: the routes are open there. ASPNETCORE_URLS (or urls), when set, decides.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            var address = FunctionsEnvironment.IsDevelopment(builder.Environment, builder.Configuration) ? "127.0.0.1" : "0.0.0.0";
            builder.WebHost.UseUrls($"http://{address}:{FunctionsConfiguration.ResolvePort(builder.Configuration)}");
        }

        // The host logs a failed start and a failed background service at Error with the whole stack; the worker
        // says the same in one line (RunAsync, RunWorkerAsync), and a failed background service is still logged by
        // the host at Critical, with its stack, as it stops.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.AddQueueTrigger();
        return builder;
    }

    /// <summary>
    /// What both hosting modes share (README, Two hosting modes): layers host.json, local.settings.json and the
    /// environment as Functions does (then <paramref name="settings"/>, which win: tests and the benchmark pass theirs
    /// here), and registers every part of the worker but the queue listener; the self-hosted worker adds its own
    /// listener, under the Functions host the host's queue trigger fetches.
    /// </summary>
    public static IHostApplicationBuilder AddWorkerCore(this IHostApplicationBuilder builder, IDictionary<string, string?>? settings = null)
    {
        builder.Configuration.AddFunctionsConfiguration(builder.Environment.ContentRootPath);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        // Pipelines run CPU-bound work on pool threads; a floor above the core count keeps lease renewals,
        // the listener and the HTTP triggers from waiting for the pool's slow thread injection.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount * 8), io);

        // Bottom to top, as the folders depend on each other (README, Architecture).
        builder.Services
            .AddWorkerOptions()
            .AddWorkerState()
            .AddWorkerHealth()
            .AddWorkerStorage()
            .AddImaging();
        builder.AddTelemetry();
        builder.AddInference();
        builder.Services.AddPipelineRegistry();
        builder.AddThumbnailPipeline();
        builder.AddDelayPipeline();
        builder.AddOcrPipeline();
        builder.AddImagePipeline();
        builder.Services
            .AddJobs()
            .AddFleet()
            .AddQueueProcessing()
            .AddHttpTriggers();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
        {
            // The worker's own bound on SIGTERM to exit (grace period plus settle margin), not a looser one of the host's.
            host.ShutdownTimeout = worker.Value.ExitDeadline;
            // Stated rather than left to the default: a loop that died must not leave a process that looks alive.
            host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        return builder;
    }

    /// <summary>
    /// Starts the worker, waits for SIGTERM or Ctrl-C and stops it: 0 after a normal stop, 1 when a background service
    /// failed and stopped the host (the host itself would end such a run with 0). A failed start is thrown, after
    /// stopping what did start; <see cref="RunAsync"/> turns it into one line and exit code 1. The caller disposes.
    /// </summary>
    public static async Task<int> RunWorkerAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FunctionsWorker");

        // Logged once listening: resolving the storage clients and pipelines must not delay the first health answer.
        app.Lifetime.ApplicationStarted.Register(() => LogStartup(app, logger));
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // SIGTERM or Ctrl-C while starting (the host cancels its start then): a normal stop, exit code 0, not a
            // failed start; a platform stopping a replica that is slow to start must not read it as a crash.
            await StopAfterFailedStartAsync(app, logger).ConfigureAwait(false);
            return 0;
        }
        catch (Exception start) when (!StartupError.IsRefusedSetting(start) || app.Services.GetServices<IHostedService>().Any(Started))
        {
            // Stopped, not just disposed: background services that did start then end as in a normal stop, instead of
            // reporting their cancellation as a failure of their own (a misleading second error after the real one).
            // A setting refused by options validation fails before any service starts, so there is nothing to stop;
            // one refused by a service started after listening (a pipeline's missing model) comes after the others.
            await StopAfterFailedStartAsync(app, logger).ConfigureAwait(false);
            throw;
        }

        await app.WaitForShutdownAsync().ConfigureAwait(false);
        var failed = app.Services.GetServices<IHostedService>()
            .Select(service => service is IStartedAfterListening deferred ? deferred.Service : service)
            .OfType<BackgroundService>()
            .FirstOrDefault(service => service.ExecuteTask is { IsFaulted: true });
        if (failed?.ExecuteTask?.Exception?.GetBaseException() is { } error)
        {
            Log.BackgroundServiceFailed(logger, failed.GetType().Name, error.Message);
            return 1;
        }

        return 0;
    }

    private static bool Started(IHostedService service) => service is IStartedAfterListening { Service: not null };

    private static async Task StopAfterFailedStartAsync(WebApplication app, ILogger logger)
    {
        try
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StopAfterFailedStartFailed(logger, ex.Message);
        }
    }

    private static void ConfigureConsole(SimpleConsoleFormatterOptions console)
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss.fff ";
        console.UseUtcTimestamp = true;
        console.IncludeScopes = true;
    }

    private static void LogStartup(WebApplication app, ILogger logger)
    {
        var services = app.Services;
        var worker = services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        Log.Starting(logger, services.GetRequiredService<WorkerState>().WorkerId, WorkerState.Version,
            FunctionsConfiguration.ResolvePort(app.Configuration),
            services.GetRequiredService<IOptions<HttpOptions>>().Value.RoutePrefix,
            services.GetRequiredService<StorageClients>().AccountName, storage.JobsQueueName,
            string.Join(", ", services.GetRequiredService<PipelineRegistry>().Names.Order(StringComparer.Ordinal)),
            worker.FunctionTimeout == Timeout.InfiniteTimeSpan ? "unlimited" : TimeSpanSetting.Format(worker.FunctionTimeout),
            worker.ShutdownGracePeriod);
    }
}
