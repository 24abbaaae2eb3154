using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// The real worker process with one configuration mistake each: it must exit 1 within seconds with one error line that
/// names the setting or file and what is allowed, no stack trace, and never the storage key. No Azurite needed: every
/// case is refused before storage is touched.
/// </summary>
[Trait(NativeAot.Category, NativeAot.Included)]
public sealed class ConfigurationErrorTests
{
    private static readonly string AccountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    private static readonly string Storage =
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    /// <summary>Where the mistake is ("env" for an app setting KEY=VALUE, else a file and its text) and what the line must say.</summary>
    [Theory]
    [InlineData("env", "AzureFunctionsJobHost:extensions:queues:batchSize=0", "host.json extensions.queues.batchSize must be between 1 and 32, got 0.")]
    [InlineData("host.json", """{ "version": "2.0", "extensions": { "queues": { "batchSize": 33 } } }""", "host.json extensions.queues.batchSize must be between 1 and 32, got 33.")]
    [InlineData("host.json", """{ "version": "2.0", "extensions": { "queues": { "batchSize": "abc" } } }""", "host.json extensions.queues.batchSize must be a whole number, got 'abc'.")]
    [InlineData("env", "AzureFunctionsJobHost:extensions:queues:visibilityTimeout=-00:00:01", "host.json extensions.queues.visibilityTimeout must be between 00:00:00 and 7.00:00:00")]
    [InlineData("env", "AzureFunctionsJobHost:extensions:queues:messageEncoding=utf7", "host.json extensions.queues.messageEncoding must be 'base64' or 'none', got 'utf7'.")]
    [InlineData("env", "AzureFunctionsJobHost:extensions:queues:maxPollingInterval=30.00:00:00", "host.json extensions.queues.maxPollingInterval must be between 00:00:00.1 and 1.00:00:00")]
    [InlineData("host.json", """{ "version": "2.0", "worker": { "leaseDuration": "abc" } }""", "host.json worker.leaseDuration must be a time span like 00:01:00")]
    [InlineData("env", "AzureFunctionsJobHost:worker:shutdownGracePeriod=-00:00:05", "host.json worker.shutdownGracePeriod must be between 00:00:00 and 01:00:00")]
    [InlineData("env", "AzureFunctionsJobHost:worker:heartbeatInterval=00:00:00", "host.json worker.heartbeatInterval must be between 00:00:00.1 and 00:10:00")]
    [InlineData("env", "AzureFunctionsJobHost:worker:circuitBreakDuration=00:00:00", "host.json worker.circuitBreakDuration must be between 00:00:01 and 1.00:00:00")]
    [InlineData("env", "AzureFunctionsJobHost:worker:circuitBreakerThreshold=many", "host.json worker.circuitBreakerThreshold must be a whole number, got 'many'.")]
    [InlineData("host.json", """{ "version": "2.0", "functionTimeout": "abc" }""", "host.json functionTimeout must be a time span like 00:30:00, or -1 for no limit, got 'abc'.")]
    [InlineData("host.json", """{ "version": "2.0", "functionTimeout": "-00:00:01" }""", "host.json functionTimeout must be between 00:00:01 and 1.00:00:00, or -1 for no limit")]
    [InlineData("host.json", """{ "version": "2.0", "worker": { "warmup": { "retryMinimum": "00:00:00" } } }""", "host.json worker.warmup.retryMinimum must be between 00:00:00.1 and 01:00:00, got 00:00:00.")]
    [InlineData("env", "AzureFunctionsJobHost:worker:warmup:retryMinimum=-00:00:01", "host.json worker.warmup.retryMinimum must be between")]
    [InlineData("env", "AzureFunctionsJobHost:worker:warmup:retryMaximum=00:00:01", "host.json worker.warmup.retryMaximum (00:00:01) must not be less than worker.warmup.retryMinimum (00:00:02).")]
    [InlineData("host.json", """{ "version": "2.0", "worker": { "leaseDuration": } }""", "host.json is not valid JSON at line 1, position 50")]
    [InlineData("local.settings.json", """{ "Values": { "JobsQueueName": "jobs", } """, "local.settings.json is not valid JSON at line 1")]
    [InlineData("env", "PORT=abc", "PORT must be a TCP port between 0 and 65535, got 'abc'.")]
    [InlineData("env", "Inference:CudnnConvAlgoSearch=fast", "app setting Inference:CudnnConvAlgoSearch must be one of heuristic, exhaustive, default, got 'fast'.")]
    public async Task ConfigurationMistake_ExitsOne_WithOneLineNamingIt_NoStackTrace_NoSecret(string where, string mistake, string expected)
    {
        var settings = new Dictionary<string, string> { ["AzureWebJobsStorage"] = Storage };
        var files = new Dictionary<string, string>();
        if (where == "env")
        {
            var (key, value) = (mistake[..mistake.IndexOf('=', StringComparison.Ordinal)], mistake[(mistake.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            settings[key] = value;
        }
        else
        {
            files[where] = mistake;
        }

        await using var worker = WorkerProcess.Start(settings, files);
        await AssertRefusedAsync(worker, expected);
    }

    [Fact]
    public async Task PortInUse_ExitsOne_NamingThePort_WithoutABackgroundServiceError()
    {
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        await using var worker = WorkerProcess.Start(new Dictionary<string, string> { ["AzureWebJobsStorage"] = Storage }, port);
        await AssertRefusedAsync(worker, $"Port {port} is already in use (PORT / Host:LocalHttpPort)");
        Assert.DoesNotContain("BackgroundService failed", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostJsonTypos_AreWarnedAtStartup_NamingTheClosestSetting()
    {
        var hostJson = """
            { "version": "2.0", "functionTimout": "00:05:00",
              "extensions": { "queues": { "batchSzie": 4, "MaxDequeueCount": 3 } },
              "worker": { "leaseDurtion": "00:00:20" } }
            """;
        await using var worker = WorkerProcess.Start(new Dictionary<string, string> { ["AzureWebJobsStorage"] = Storage }, new Dictionary<string, string> { ["host.json"] = hostJson });
        string[] expected =
        [
            "host.json: unknown setting 'worker.leaseDurtion'; did you mean 'worker.leaseDuration'?",
            "host.json: unknown setting 'functionTimout'; did you mean 'functionTimeout'?",
            "host.json: unknown setting 'extensions.queues.batchSzie'; did you mean 'extensions.queues.batchSize'?",
        ];
        await Eventually.HoldsAsync(() => Task.FromResult(expected.All(line => worker.Output.Contains(line, StringComparison.Ordinal))));
        Assert.All(expected, line => Assert.Contains(line, worker.Output, StringComparison.Ordinal));
        Assert.DoesNotContain("unknown setting 'extensions.queues.maxDequeueCount'", worker.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("No host.json", worker.Output, StringComparison.Ordinal);
        Assert.False(worker.HasExited, worker.Output);
    }

    [Fact]
    public async Task NoHostJson_IsSaidAtStartup()
    {
        await using var worker = WorkerProcess.Start(new Dictionary<string, string> { ["AzureWebJobsStorage"] = Storage });
        await Eventually.HoldsAsync(() => Task.FromResult(worker.Output.Contains("No host.json in ", StringComparison.Ordinal)));
        Assert.Contains("every host.json setting has its default", worker.Output, StringComparison.Ordinal);
        Assert.False(worker.HasExited, worker.Output);
    }

    private static async Task AssertRefusedAsync(WorkerProcess worker, string expected)
    {
        // The claim is the exit and its one line; the 3 minutes are only a hang guard.
        Assert.True(await worker.WaitForExitAsync(TimeSpan.FromMinutes(3)), worker.Output);
        var output = worker.Output;
        Assert.Equal(1, worker.ExitCode);
        var errors = output.Split('\n').Where(line => line.Contains(" crit: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal)).ToArray();
        var error = Assert.Single(errors);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n   at ", "\n" + output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain(AccountKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", output, StringComparison.Ordinal);
    }
}
