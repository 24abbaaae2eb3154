using FunctionsWorker.Configuration;
using FunctionsWorker.Health;
using FunctionsWorker.Hosting;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Functions.Tests.Unit;

/// <summary>Every time span a worker lives by is checked at start-up: positive, ordered, and short of overflowing a timer.</summary>
public sealed class TimeSpanSettingsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new WorkerOptionsValidator().Validate(null, new WorkerOptions()).Succeeded);
        Assert.True(new WarmupOptionsValidator().Validate(null, new WarmupOptions()).Succeeded);
        Assert.True(new QueuesOptionsValidator().Validate(null, new QueuesOptions()).Succeeded);
    }

    [Theory]
    [InlineData("00:00:00", "worker.warmup.retryMinimum must be between 00:00:00.1 and 01:00:00, got 00:00:00.")]
    [InlineData("-00:00:01", "worker.warmup.retryMinimum must be between 00:00:00.1 and 01:00:00, got -00:00:01.")]
    [InlineData("02:00:00", "worker.warmup.retryMinimum must be between 00:00:00.1 and 01:00:00, got 02:00:00.")]
    public void WarmupRetryMinimum_OutOfRange_IsRefused(string value, string expected)
    {
        var result = new WarmupOptionsValidator().Validate(null, new WarmupOptions { RetryMinimum = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Contains("host.json " + expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void WarmupRetryMaximum_BelowMinimum_OrAboveADay_IsRefused()
    {
        var below = new WarmupOptionsValidator().Validate(null, new WarmupOptions { RetryMinimum = TimeSpan.FromSeconds(10), RetryMaximum = TimeSpan.FromSeconds(5) });
        Assert.Contains("worker.warmup.retryMaximum (00:00:05) must not be less than worker.warmup.retryMinimum (00:00:10)", below.FailureMessage, StringComparison.Ordinal);
        var above = new WarmupOptionsValidator().Validate(null, new WarmupOptions { RetryMaximum = TimeSpan.FromDays(2) });
        Assert.Contains("worker.warmup.retryMaximum must be between 00:00:00.1 and 1.00:00:00", above.FailureMessage, StringComparison.Ordinal);
    }

    public static TheoryData<WorkerOptions, string> BadWorkerOptions() => new()
    {
        { new WorkerOptions { LeaseDuration = TimeSpan.FromMilliseconds(500) }, "host.json worker.leaseDuration must be between 00:00:01 and 7.00:00:00, got 00:00:00.5." },
        { new WorkerOptions { LeaseDuration = TimeSpan.FromDays(8) }, "host.json worker.leaseDuration must be between 00:00:01 and 7.00:00:00" },
        { new WorkerOptions { ShutdownGracePeriod = TimeSpan.FromSeconds(-1) }, "host.json worker.shutdownGracePeriod must be between 00:00:00 and 01:00:00" },
        { new WorkerOptions { ShutdownGracePeriod = TimeSpan.FromHours(2) }, "host.json worker.shutdownGracePeriod must be between 00:00:00 and 01:00:00" },
        { new WorkerOptions { HeartbeatInterval = TimeSpan.Zero }, "host.json worker.heartbeatInterval must be between 00:00:00.1 and 00:10:00" },
        { new WorkerOptions { HeartbeatInterval = TimeSpan.FromHours(1) }, "host.json worker.heartbeatInterval must be between 00:00:00.1 and 00:10:00" },
        { new WorkerOptions { CircuitBreakDuration = TimeSpan.Zero }, "host.json worker.circuitBreakDuration must be between 00:00:01 and 1.00:00:00" },
        { new WorkerOptions { CircuitBreakDuration = TimeSpan.FromDays(3) }, "host.json worker.circuitBreakDuration must be between 00:00:01 and 1.00:00:00" },
        { new WorkerOptions { FunctionTimeout = TimeSpan.Zero }, "host.json functionTimeout must be between 00:00:01 and 1.00:00:00, or -1 for no limit, got 00:00:00." },
        { new WorkerOptions { FunctionTimeout = TimeSpan.FromDays(60) }, "host.json functionTimeout must be between 00:00:01 and 1.00:00:00, or -1 for no limit" },
    };

    [Theory]
    [MemberData(nameof(BadWorkerOptions))]
    public void WorkerTimeSpan_OutOfRange_IsRefused_NamingTheSetting(WorkerOptions options, string expected) =>
        Assert.Contains(expected, new WorkerOptionsValidator().Validate(null, options).FailureMessage, StringComparison.Ordinal);

    [Theory]
    [InlineData("-1", true)]
    [InlineData(" -1 ", true)]
    [InlineData("00:10:00", false)]
    public void FunctionTimeout_MinusOne_MeansNoLimit(string value, bool unlimited)
    {
        var options = WorkerOptionsFrom(new() { ["AzureFunctionsJobHost:functionTimeout"] = value });
        Assert.Equal(unlimited, options.FunctionTimeout == Timeout.InfiniteTimeSpan);
        Assert.True(new WorkerOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void FunctionTimeout_NotATimeSpan_IsRefused_NamingWhatIsAllowed()
    {
        var error = Assert.Throws<OptionsValidationException>(() => WorkerOptionsFrom(new() { ["AzureFunctionsJobHost:functionTimeout"] = "abc" }));
        Assert.Equal("host.json functionTimeout must be a time span like 00:30:00, or -1 for no limit, got 'abc'.", error.Message);
    }

    [Fact]
    public void MaxPollingInterval_AboveADay_IsRefused()
    {
        var result = new QueuesOptionsValidator().Validate(null, new QueuesOptions { MaxPollingInterval = TimeSpan.FromDays(2) });
        Assert.Contains("host.json extensions.queues.maxPollingInterval must be between 00:00:00.1 and 1.00:00:00, got 2.00:00:00.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AzureFunctionsJobHost:worker:LeaseDuration", "abc", "System.TimeSpan", "host.json worker.leaseDuration must be a time span like 00:01:00 ([d.]hh:mm:ss[.fff]), got 'abc'.")]
    [InlineData("AzureFunctionsJobHost:extensions:queues:BatchSize", "x", "System.Int32", "host.json extensions.queues.batchSize must be a whole number, got 'x'.")]
    [InlineData("Pipelines:Ocr:Enabled", "yes", "System.Boolean", "app setting Pipelines:Ocr:Enabled must be true or false, got 'yes'.")]
    [InlineData("Inference:Device", "tpu", "FunctionsWorker.Inference.InferenceDevice", "app setting Inference:Device must be one of auto, cuda, cpu, got 'tpu'.")]
    [InlineData("Inference:CudnnConvAlgoSearch", "fast", "FunctionsWorker.Inference.CudnnConvAlgoSearch", "app setting Inference:CudnnConvAlgoSearch must be one of heuristic, exhaustive, default, got 'fast'.")]
    public void BinderFailure_BecomesOneLine_NamingTheSetting(string path, string value, string type, string expected) =>
        Assert.Equal(expected, StartupError.DescribeBindingFailure(path, value, type));

    [Fact]
    public void BinderFailure_FromTheRealBinder_IsRecognised()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureFunctionsJobHost:worker:leaseDuration"] = "abc" }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>());
        Assert.Equal("host.json worker.leaseDuration must be a time span like 00:01:00 ([d.]hh:mm:ss[.fff]), got 'abc'.", StartupError.Describe(error, null));
        Assert.True(StartupError.IsRefusedSetting(error));
    }

    private static WorkerOptions WorkerOptionsFrom(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddWorkerOptions();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsFactory<WorkerOptions>>().Create(Options.DefaultName);
    }
}
