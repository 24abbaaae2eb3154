using FunctionsWorker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using FunctionsWorker.Configuration;
using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Http;
using FunctionsWorker.Triggers.Queue;

namespace Functions.Tests.Unit;

[Collection(Fixtures.AzuriteCollection.Name)] // serial with the hosts: one test sets an environment variable
public sealed class SettingsTests
{
    [Fact]
    public void QueuesOptions_Defaults_MatchAzureFunctions()
    {
        var options = Bind<QueuesOptions>(new Dictionary<string, string?>());
        Assert.Equal(16, options.BatchSize);
        Assert.Equal(16 / 2 * Environment.ProcessorCount, options.EffectiveNewBatchThreshold);
        Assert.Equal(5, options.MaxDequeueCount);
        Assert.Equal(TimeSpan.Zero, options.VisibilityTimeout);
        Assert.True(options.IsBase64);
    }

    [Fact]
    public void MaxPollingInterval_DefaultsToOneMinute_AndTwoSecondsInDevelopment()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), PollingFor("Production"));
        Assert.Equal(TimeSpan.FromSeconds(2), PollingFor("Development"));
    }

    [Fact]
    public void HostJson_BindsUnderAzureFunctionsJobHost_AndEnvironmentWins()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(dir, "host.json"), """
            { "version": "2.0", "functionTimeout": "00:02:00",
              "extensions": { "queues": { "batchSize": 8, "newBatchThreshold": 4, "visibilityTimeout": "00:00:30", "messageEncoding": "none" },
                              "http": { "routePrefix": "" } },
              "worker": { "leaseDuration": "00:00:20" } }
            """);
        File.WriteAllText(Path.Combine(dir, "local.settings.json"), """
            { "IsEncrypted": false,
              "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true", "JobsQueueName": "from-file", "Imaging__MaxPixels": "1000" },
              "Host": { "LocalHttpPort": 7123 } }
            """);
        var variable = "AzureFunctionsJobHost__extensions__queues__maxDequeueCount";
        Environment.SetEnvironmentVariable(variable, "9");
        try
        {
            var configuration = new ConfigurationBuilder();
            configuration.AddFunctionsConfiguration(dir);
            var built = configuration.Build();

            var queues = Bind<QueuesOptions>(built, QueuesOptions.SectionName);
            Assert.Equal(8, queues.BatchSize);
            Assert.Equal(4, queues.EffectiveNewBatchThreshold);
            Assert.Equal(TimeSpan.FromSeconds(30), queues.VisibilityTimeout);
            Assert.False(queues.IsBase64);
            Assert.Equal(9, queues.MaxDequeueCount);
            Assert.Equal(string.Empty, Bind<HttpOptions>(built, HttpOptions.SectionName).RoutePrefix);
            Assert.Equal(TimeSpan.FromSeconds(20), Bind<WorkerOptions>(built, WorkerOptions.SectionName).LeaseDuration);
            Assert.Equal("00:02:00", built["AzureFunctionsJobHost:functionTimeout"]);
            Assert.Equal("from-file", built["JobsQueueName"]);
            Assert.Equal("1000", built["Imaging:MaxPixels"]);
            Assert.Equal(7123, FunctionsConfiguration.ResolvePort(built));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Port_FromPortVariable_ElseLocalHttpPort_Else7071()
    {
        Assert.Equal(7071, FunctionsConfiguration.ResolvePort(Config(new())));
        Assert.Equal(7200, FunctionsConfiguration.ResolvePort(Config(new() { ["Host:LocalHttpPort"] = "7200" })));
        Assert.Equal(8080, FunctionsConfiguration.ResolvePort(Config(new() { ["Host:LocalHttpPort"] = "7200", ["PORT"] = "8080" })));
        var error = Assert.Throws<InvalidConfigurationException>(() => FunctionsConfiguration.ResolvePort(Config(new() { ["PORT"] = "eighty" })));
        Assert.Contains("PORT", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("batchSize", "64", "extensions.queues.batchSize")]
    [InlineData("maxDequeueCount", "0", "extensions.queues.maxDequeueCount")]
    [InlineData("messageEncoding", "utf16", "extensions.queues.messageEncoding")]
    [InlineData("visibilityTimeout", "-00:00:01", "extensions.queues.visibilityTimeout")]
    public void InvalidQueueSetting_FailsValidation_NamingTheSetting(string key, string value, string named)
    {
        var result = new QueuesOptionsValidator().Validate(null, Bind<QueuesOptions>(new() { [$"{QueuesOptions.SectionName}:{key}"] = value }));
        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidWorkerSetting_FailsValidation_NamingTheSetting()
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { LeaseDuration = TimeSpan.Zero });
        Assert.Contains("worker.leaseDuration", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "AzureWebJobsStorage is not set")]
    [InlineData("this is no connection string", "AzureWebJobsStorage is not a valid")]
    public void StorageSetting_Invalid_FailsWithoutEchoingTheSecret(string connectionString, string expected)
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { AzureWebJobsStorage = connectionString });
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        if (connectionString.Length > 0)
        {
            Assert.DoesNotContain(connectionString, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void StorageSetting_DevelopmentStorage_IsValid_AndBadQueueNameIsNamed()
    {
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { AzureWebJobsStorage = "UseDevelopmentStorage=true" }).Succeeded);
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { AzureWebJobsStorage = "UseDevelopmentStorage=true", JobsQueueName = "Bad_Name" });
        Assert.Contains("JobsQueueName", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void JobsQueueName_TooLongForItsPoisonQueue_IsRejected_ButAPoisonQueueItselfMayBeLong()
    {
        var longName = new string('q', 57);
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { AzureWebJobsStorage = "UseDevelopmentStorage=true", JobsQueueName = longName });
        Assert.Contains($"'{longName}-poison'", result.FailureMessage, StringComparison.Ordinal);

        var poison = new string('q', 56) + "-poison";
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { AzureWebJobsStorage = "UseDevelopmentStorage=true", JobsQueueName = poison }).Succeeded);
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { AzureWebJobsStorage = "UseDevelopmentStorage=true", JobsQueueName = new string('q', 56) }).Succeeded);
    }

    [Fact]
    public async Task InvalidSetting_StopsTheHostAtStartup()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Directory.CreateTempSubdirectory().FullName });
        builder.AddFunctionsWorker(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            [$"{QueuesOptions.SectionName}:batchSize"] = "100",
            ["PORT"] = "0",
        });
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("batchSize", error.Message, StringComparison.Ordinal);
    }

    private static TimeSpan PollingFor(string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = Directory.CreateTempSubdirectory().FullName });
        builder.AddFunctionsWorker(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        using var app = builder.Build();
        return app.Services.GetRequiredService<QueueListener>().MaxPollingInterval;
    }

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static T Bind<T>(Dictionary<string, string?> values) where T : class, new() =>
        Bind<T>(Config(values), typeof(T) == typeof(QueuesOptions) ? QueuesOptions.SectionName : string.Empty);

    private static T Bind<T>(IConfiguration configuration, string section) where T : class, new()
    {
        var options = new T();
        (section.Length == 0 ? configuration : configuration.GetSection(section)).Bind(options);
        return options;
    }

    [Fact]
    public void SampleSettings_RunUnderTheFunctionsHost_FromItsOwnEntry()
    {
        // func start runs FunctionsWorker.FunctionsHost (the isolated-worker entry), never the self-hosted worker.
        var sample = File.ReadAllText(Path.Combine(Fixtures.RepositoryPaths.Root, "local.settings.sample.json"));
        Assert.Equal("dotnet-isolated", FunctionsConfiguration.ReadLocalSettings(sample)["FUNCTIONS_WORKER_RUNTIME"]);
        var readme = File.ReadAllText(Path.Combine(Fixtures.RepositoryPaths.Root, "README.md"));
        Assert.Contains("cd FunctionsWorker.FunctionsHost && func start", readme, StringComparison.Ordinal);
    }
}
