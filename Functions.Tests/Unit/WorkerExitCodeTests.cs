using FunctionsWorker.Configuration;
using FunctionsWorker.Hosting;
using FunctionsWorker.Triggers.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Functions.Tests.Unit;

/// <summary>How the worker ends: a loop that died stops the host and the process says so with its exit code.</summary>
public sealed class WorkerExitCodeTests
{
    [Fact]
    public async Task BackgroundServiceFailure_StopsTheHost_AndRunWorkerReturnsOne()
    {
        // The .NET host stops on a failed BackgroundService but returns normally from RunAsync, which would be exit code 0.
        await using var app = Build(services => services.AddHostedService<FailingService>());
        var run = app.RunWorkerAsync();
        // A hang guard only: the claim is that the run ends by itself, with 1.
        Assert.Equal(1, await run.WaitAsync(TimeSpan.FromMinutes(3)));
    }

    [Fact]
    public async Task NormalStop_ReturnsZero()
    {
        await using var app = Build(_ => { });
        var run = app.RunWorkerAsync();
        await Fixtures.Eventually.HoldsAsync(() => Task.FromResult(app.Lifetime.ApplicationStarted.IsCancellationRequested));
        app.Lifetime.StopApplication();
        Assert.Equal(0, await run);
    }

    [Fact]
    public async Task StopDuringStart_ReturnsZero_NotAFailedStart()
    {
        // SIGTERM before the server listens: the host cancels its start, which must end as a normal stop.
        await using var app = Build(_ => { });
        app.Lifetime.StopApplication();
        Assert.Equal(0, await app.RunWorkerAsync());
    }

    [Theory]
    [InlineData("{ \"Values\": { \"A\": 1, ", "local.settings.json is not valid JSON at line 1")]
    [InlineData("[]", "local.settings.json must be a JSON object")]
    [InlineData("{ \"Values\": \"A=1\" }", "local.settings.json Values must be a JSON object of settings, got string.")]
    [InlineData("{ \"Host\": 7071 }", "local.settings.json Host must be a JSON object of settings, got number.")]
    public void MalformedLocalSettings_IsNamed(string json, string expected)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => FunctionsConfiguration.ReadLocalSettings(json));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostShutdownTimeout_IsTheWorkersExitDeadline_GracePeriodPlusSettleMargin()
    {
        using var app = Build(_ => { }, new Dictionary<string, string?> { [$"{WorkerOptions.SectionName}:ShutdownGracePeriod"] = "00:00:12" });

        var host = app.Services.GetRequiredService<IOptions<HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(12) + WorkerOptions.SettleMargin, host.ShutdownTimeout);
        Assert.Equal(app.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.ExitDeadline, host.ShutdownTimeout);
    }

    [Fact]
    public void BadLocalHttpPort_NamesTheFileAndKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Host:LocalHttpPort"] = "99999" }).Build();
        var error = Assert.Throws<InvalidConfigurationException>(() => FunctionsConfiguration.ResolvePort(configuration));
        Assert.Equal("local.settings.json Host.LocalHttpPort must be a TCP port between 0 and 65535, got '99999'.", error.Message);
    }

    private static WebApplication Build(Action<IServiceCollection> services, IDictionary<string, string?>? extra = null)
    {
        var builder = FunctionsWorkerHost.CreateBuilder(new WebApplicationOptions { ContentRootPath = Directory.CreateTempSubdirectory("worker-exit-").FullName });
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;",
            ["PORT"] = "0",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.AddFunctionsWorker(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        services(builder.Services);
        var app = builder.Build();
        app.MapFunctions();
        return app;
    }

    private sealed class FailingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(50, stoppingToken);
            throw new InvalidOperationException("the loop died");
        }
    }
}
