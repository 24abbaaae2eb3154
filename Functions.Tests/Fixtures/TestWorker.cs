using FunctionsWorker.Hosting;
using FunctionsWorker.Triggers.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Fixtures;

/// <summary>
/// The real worker host (configuration, listener, processor, HTTP triggers) in this process against a real
/// Azurite, on a free port and its own queue, with test pipelines or warm-up tasks added where a test needs them.
/// </summary>
public sealed class TestWorker : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestWorker(WebApplication app, JobQueue queue, Uri baseAddress)
    {
        _app = app;
        Queue = queue;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // As the dashboard and fwjobs do: without it (or a key) the worker refuses changes.
        Http.DefaultRequestHeaders.Add("X-Requested-With", "tests");
    }

    public JobQueue Queue { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestWorker> StartAsync(
        AzuriteFixture azurite,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string environment = "Development")
    {
        var queueName = "jobs-" + Guid.NewGuid().ToString("N")[..12];
        var contentRoot = Directory.CreateTempSubdirectory("worker-test-").FullName;
        var builder = FunctionsWorkerHost.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, EnvironmentName = environment });
        var all = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["JobsQueueName"] = queueName,
            ["JobsTableName"] = "jobs" + Guid.NewGuid().ToString("N")[..12],
            ["WorkersTableName"] = "workers" + Guid.NewGuid().ToString("N")[..12],
            ["PORT"] = "0",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["AzureFunctionsJobHost:worker:shutdownGracePeriod"] = "00:00:05",
            ["AzureFunctionsJobHost:worker:warmup:retryMinimum"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        // The same composition as Program.cs, with the test's settings layered last so they win over the environment.
        builder.AddFunctionsWorker(all);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapFunctions();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestWorker(app, new JobQueue(azurite.ConnectionString, queueName, all["JobsTableName"]!, azurite.Transport), new Uri(address));
    }

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
