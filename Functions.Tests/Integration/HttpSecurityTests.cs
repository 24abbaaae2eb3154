using System.Net;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using FunctionsWorker.Triggers.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Integration;

/// <summary>
/// The HTTP triggers closed by default, as Functions is: keys made and kept in <c>azure-webjobs-secrets</c>, probes that
/// tell a stranger nothing, changes that another site's page cannot make, and per-client limits.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HttpSecurityTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ProductionWithoutAKey_Answers401_StoresAKeyInWebJobsSecrets_ASecondStartReusesIt_AndTheLogNeverShowsIt()
    {
        var hostId = "t" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["AzureFunctionsWebHost:hostid"] = hostId };
        var logs = new RecordingLoggerProvider();
        string key;
        Azure.ETag stored;
        await using (var first = await TestWorker.StartAsync(azurite, settings, Recording(logs), environment: "Production"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await first.Http.GetAsync("/api/status")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await first.Http.GetAsync("/api/jobs")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await first.Http.PostAsync("/api/poison/replay", null)).StatusCode);

            var blob = first.Queue.Blobs.GetBlobContainerClient("azure-webjobs-secrets").GetBlobClient($"{hostId}/host.json");
            var content = await blob.DownloadContentAsync();
            stored = content.Value.Details.ETag;
            var secrets = JsonNode.Parse(content.Value.Content.ToString())!;
            key = secrets["functionKeys"]![0]!["value"]!.GetValue<string>();
            Assert.Equal("default", secrets["functionKeys"]![0]!["name"]!.GetValue<string>());
            Assert.False(secrets["functionKeys"]![0]!["encrypted"]!.GetValue<bool>());
            Assert.NotEqual(key, secrets["masterKey"]!["value"]!.GetValue<string>());
            Assert.True(key.Length >= 40, key.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.Equal(HttpStatusCode.OK, (await Get(first, "/api/status", key)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Get(first, "/api/jobs?code=" + key, null)).StatusCode);
        }

        await using (var second = await TestWorker.StartAsync(azurite, settings, Recording(logs), environment: "Production"))
        {
            Assert.Equal(HttpStatusCode.OK, (await Get(second, "/api/status", key)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Get(second, "/api/status", key + "x")).StatusCode);
        }

        var blobAfter = await Secrets().GetBlobClient($"{hostId}/host.json").GetPropertiesAsync();
        Assert.Equal(stored, blobAfter.Value.ETag);
        Assert.Contains(logs.Lines, line => line.Contains($"azure-webjobs-secrets/{hostId}/host.json", StringComparison.Ordinal) &&
                                            line.Contains("created", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains($"azure-webjobs-secrets/{hostId}/host.json", StringComparison.Ordinal) &&
                                            !line.Contains("created", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(key, StringComparison.Ordinal) || line.Contains(key[..12], StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProductionWithoutAKey_AKeysFileOfOnlyEncryptedKeys_Answers503_AndTheLogSaysToSetFunctionKey()
    {
        var hostId = "e" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?> { ["AzureFunctionsWebHost:hostid"] = hostId };
        var logs = new RecordingLoggerProvider();
        // What a Functions host with encryption on leaves, there before the worker starts: values this worker cannot read.
        var container = Secrets();
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient($"{hostId}/host.json").UploadAsync(BinaryData.FromString(
            """{"masterKey":{"name":"master","value":"CfDJ8AAA","encrypted":true},"functionKeys":[{"name":"default","value":"CfDJ8BBB","encrypted":true}],"systemKeys":[]}"""),
            overwrite: true);
        await using var worker = await TestWorker.StartAsync(azurite, settings, Recording(logs), environment: "Production");

        var refused = await Get(worker, "/api/status", "CfDJ8BBB");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.DoesNotContain("azure-webjobs-secrets", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(logs.Lines, line => line.Contains($"azure-webjobs-secrets/{hostId}/host.json", StringComparison.Ordinal) &&
                                            line.Contains("set the app setting FunctionKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProductionWithoutAKey_StorageUnreachable_Answers503WithoutStorageDetail_AndHealthStillAnswers()
    {
        var deadPort = WorkerProcess.FreePort();
        var unreachable = azurite.ConnectionString.Replace($"127.0.0.1:{azurite.BlobPort}", $"127.0.0.1:{deadPort}", StringComparison.Ordinal);
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = unreachable },
            environment: "Production");

        var refused = await worker.Http.GetAsync("/api/jobs");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.DoesNotContain(deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        Assert.DoesNotContain("devstoreaccount1", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);
    }

    [Fact]
    public async Task HealthAndReady_WithoutTheKey_SayOnlyStatusAndReady_WithItTheDetails()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["FunctionKey"] = "probe-k3y" }, environment: "Production");

        foreach (var path in new[] { "/api/health", "/api/ready" })
        {
            var anonymous = JsonNode.Parse(await (await worker.Http.GetAsync(path)).Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal(["status", "ready"], anonymous.Select(property => property.Key));
            Assert.DoesNotContain(Environment.MachineName, anonymous.ToJsonString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("devstoreaccount1", anonymous.ToJsonString(), StringComparison.Ordinal);
        }

        var health = JsonNode.Parse(await (await Get(worker, "/api/health", "probe-k3y")).Content.ReadAsStringAsync())!;
        Assert.NotNull(health["workerId"]);
        var ready = JsonNode.Parse(await (await Get(worker, "/api/ready", "probe-k3y")).Content.ReadAsStringAsync())!;
        Assert.NotNull(ready["reasons"]);
    }

    [Fact]
    public async Task MutatingEndpoints_InDevelopment_RefuseAPostWithoutACustomHeader_AndAnotherSitesOrigin()
    {
        await using var worker = await TestWorker.StartAsync(azurite);
        using var browser = new HttpClient { BaseAddress = worker.Http.BaseAddress };

        // What a form post or a no-cors fetch from another site can send: no custom header.
        var plain = await browser.PostAsync("/api/poison/replay", null);
        Assert.Equal(HttpStatusCode.Forbidden, plain.StatusCode);
        Assert.Contains("X-Requested-With", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.DeleteAsync("/api/jobs/any-job")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(browser, HttpMethod.Post, "/api/poison/replay", ("X-Requested-With", "x"), ("Origin", "https://evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(browser, HttpMethod.Post, "/api/poison/replay", ("X-Requested-With", "x"), ("Origin", "null"))).StatusCode);
        var own = worker.Http.BaseAddress!.GetLeftPart(UriPartial.Authority);
        Assert.Equal(HttpStatusCode.OK, (await Send(browser, HttpMethod.Post, "/api/poison/replay", ("X-Requested-With", "x"), ("Origin", own))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(browser, HttpMethod.Post, "/api/poison/replay", ("X-Requested-With", "x"))).StatusCode);
        // Reads stay open in Development, as before.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/poison")).StatusCode);
    }

    [Fact]
    public async Task MutatingEndpoints_WithTheKey_StillRefuseAnotherSitesOrigin()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["FunctionKey"] = "k3y" }, environment: "Production");
        using var browser = new HttpClient { BaseAddress = worker.Http.BaseAddress };

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(browser, HttpMethod.Post, "/api/poison/replay", ("x-functions-key", "k3y"), ("Origin", "https://evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(browser, HttpMethod.Post, "/api/poison/replay", ("x-functions-key", "k3y"))).StatusCode);
    }

    [Fact]
    public async Task ListEndpoints_AndFailedKeyChecks_ArePerClientLimited_429WithRetryAfter()
    {
        var settings = new Dictionary<string, string?>
        {
            ["FunctionKey"] = "k3y",
            ["AzureFunctionsJobHost:extensions:http:requestsPerMinute"] = "3",
            ["AzureFunctionsJobHost:extensions:http:failedKeyChecksPerMinute"] = "3",
        };
        await using var worker = await TestWorker.StartAsync(azurite, settings, environment: "Production");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Get(worker, "/api/jobs", "k3y")).StatusCode);
        }

        var limited = await Get(worker, "/api/poison", "k3y");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        // Not a list: status is not limited by the list count.
        Assert.Equal(HttpStatusCode.OK, (await Get(worker, "/api/status", "k3y")).StatusCode);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Get(worker, "/api/status", "guess-" + i)).StatusCode);
        }

        // After three wrong keys even the right one waits: guessing costs a minute per few tries.
        var locked = await Get(worker, "/api/status", "k3y");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.NotNull(locked.Headers.RetryAfter);
    }

    private Azure.Storage.Blobs.BlobContainerClient Secrets() =>
        new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString,
                azurite.Transport is null ? null : new Azure.Storage.Blobs.BlobClientOptions { Transport = azurite.Transport })
            .GetBlobContainerClient("azure-webjobs-secrets");

    /// <summary>Every line of the worker into <paramref name="logs"/>, the key lines at Information too (the test host logs Warning and up).</summary>
    private static Action<IServiceCollection> Recording(RecordingLoggerProvider logs) => services =>
    {
        services.AddSingleton<ILoggerProvider>(logs);
        services.Configure<LoggerFilterOptions>(options =>
            options.Rules.Add(new LoggerFilterRule(null, typeof(HostSecretsStore).Namespace, LogLevel.Information, null)));
    };

    private static Task<HttpResponseMessage> Get(TestWorker worker, string path, string? key) =>
        Send(worker.Http, HttpMethod.Get, path, key is null ? [] : [("x-functions-key", key)]);

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(request);
    }
}
