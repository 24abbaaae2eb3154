using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Integration;

/// <summary>
/// A worker whose storage credential is an account SAS (or whose model source is a SAS URL) never hands that SAS
/// out: not in result.json, the record, the reply, the HTTP triggers or the log.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CredentialExposureTests(AzuriteFixture azurite)
{
    private const string Signature = "sig=";

    [Fact]
    public async Task SasConnectionString_ThumbnailJob_NoSignatureInResultRecordReplyHttpOrLogs()
    {
        var sas = azurite.AccountSas();
        Assert.Contains(Signature, sas, StringComparison.Ordinal);
        var logs = new RecordingLoggerProvider();
        var replyQueue = "sas-replies-" + Guid.NewGuid().ToString("N")[..8];
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.SasConnectionString(sas),
            ["Storage:AllowedReplyQueues"] = replyQueue,
            // Asked for, but a worker holding only the connection's SAS has nothing else to sign a link with.
            ["Storage:ResultLinkLifetime"] = "00:10:00",
            ["Logging:LogLevel:Default"] = "Information",
        }, services => services.AddSingleton<ILoggerProvider>(logs));
        var queue = worker.Queue;
        await queue.UploadAsync("inputs", "sas/cat.png", TestImages.Png(120, 60));
        await queue.CreateReplyQueueAsync(replyQueue);
        var job = JobQueue.Job("sas-1", "thumbnail", "sas/cat.png", new JsonObject { ["maxSide"] = 40 });
        job["replyTo"] = replyQueue;

        await queue.SendAsync(job);

        var record = await queue.WaitForStateAsync("sas-1", TimeSpan.FromSeconds(30), "Succeeded");
        var result = (await queue.ReadResultAsync("sas-1")).ToJsonString();
        var reply = (await queue.ReceiveReplyAsync(replyQueue)).MessageText;
        var replyBody = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(reply));
        var seen = new Dictionary<string, string>
        {
            ["result.json"] = result,
            ["record"] = string.Join('\n', record.Select(p => $"{p.Key}={p.Value}")),
            ["reply"] = replyBody,
            ["GET /api/jobs"] = await worker.Http.GetStringAsync("/api/jobs"),
            ["GET /api/jobs/sas-1"] = await worker.Http.GetStringAsync("/api/jobs/sas-1"),
            ["GET /api/status"] = await worker.Http.GetStringAsync("/api/status"),
            ["logs"] = string.Join('\n', logs.Lines),
        };

        foreach (var (where, text) in seen)
        {
            Assert.False(text.Contains(Signature, StringComparison.Ordinal), $"{where} carries the storage SAS: {text}");
        }

        // The addresses are still there, only without their query.
        Assert.Null(JsonNode.Parse(result)!["outputs"]![0]!["link"]);
        var output = JsonNode.Parse(result)!["outputs"]![0]!["uri"]!.GetValue<string>();
        Assert.Equal($"{azurite.BlobServiceUri}/outputs/sas-1/thumbnail.png", output);
        Assert.Equal($"{azurite.BlobServiceUri}/inputs/sas/cat.png", record.GetString("InputUri"));
        Assert.Equal($"{azurite.BlobServiceUri}/outputs/sas-1/result.json", JsonNode.Parse(replyBody)!["result"]!.GetValue<string>());
        Assert.Contains("sas-1", seen["logs"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResultLinkLifetime_WithTheAccountKey_EachOutputGetsItsOwnReadOnlyLink_BesideABareUri()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["Storage:ResultLinkLifetime"] = "00:10:00" });
        var queue = worker.Queue;
        await queue.UploadAsync("inputs", "link/cat.png", TestImages.Png(120, 60));

        await queue.SendAsync(JobQueue.Job("link-1", "thumbnail", "link/cat.png", new JsonObject { ["maxSide"] = 40 }));

        var record = await queue.WaitForStateAsync("link-1", TimeSpan.FromSeconds(30), "Succeeded");
        var result = await queue.ReadResultAsync("link-1");
        var output = result["outputs"]![0]!;
        Assert.Equal($"{azurite.BlobServiceUri}/outputs/link-1/thumbnail.png", output["uri"]!.GetValue<string>());
        var link = output["link"]!.GetValue<string>();
        Assert.StartsWith($"{azurite.BlobServiceUri}/outputs/link-1/thumbnail.png?", link, StringComparison.Ordinal);
        Assert.Contains("sp=r&", link, StringComparison.Ordinal);
        Assert.Contains("sr=b&", link, StringComparison.Ordinal);
        Assert.Equal(result["completedAt"]!.GetValue<DateTimeOffset>() + TimeSpan.FromMinutes(10), output["linkExpiresOn"]!.GetValue<DateTimeOffset>(), TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(Signature, string.Join('\n', record.Select(p => $"{p.Key}={p.Value}")), StringComparison.Ordinal);

        // Anyone holding the link reads that blob, and only reads it.
        using var anonymous = new HttpClient();
        var png = await anonymous.GetByteArrayAsync(link);
        Assert.Equal((await queue.Blobs.GetBlobContainerClient("outputs").GetBlobClient("link-1/thumbnail.png").DownloadContentAsync()).Value.Content.ToArray(), png);
        using var overwrite = new HttpRequestMessage(HttpMethod.Put, link) { Content = new ByteArrayContent([1, 2, 3]) };
        overwrite.Headers.Add("x-ms-blob-type", "BlockBlob");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await anonymous.SendAsync(overwrite)).StatusCode);
    }

    [Fact]
    public async Task ModelSourceSasUrl_StatusAndLogsShowItWithoutTheQuery()
    {
        var model = OnnxModelWriter.Identity();
        var name = "sas-model-" + Guid.NewGuid().ToString("N")[..8] + ".onnx";
        await new JobQueue(azurite.ConnectionString, "unused", "unused").UploadAsync("models", name, model);
        var sas = azurite.AccountSas();
        var logs = new RecordingLoggerProvider();
        using var cache = new TempDirectory();
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Inference:ModelCacheDirectory"] = cache.Path,
            ["Models:sasmodel:Source"] = $"{azurite.BlobServiceUri}/models/{name}?{sas}",
            ["Models:sasmodel:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(model)),
            ["Logging:LogLevel:Default"] = "Information",
        }, services => services.AddSingleton<ILoggerProvider>(logs));

        string status = string.Empty;
        JsonNode? entry = null;
        await Eventually.HoldsAsync(async () =>
        {
            status = await worker.Http.GetStringAsync("/api/status");
            entry = JsonNode.Parse(status)!["inference"]!["models"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "sasmodel");
            return entry!["state"]!.GetValue<string>() == "Ready";
        });

        var source = entry!["source"]!.GetValue<string>();
        Assert.StartsWith($"{azurite.BlobServiceUri}/models/{name}", source, StringComparison.Ordinal);
        Assert.DoesNotContain(Signature, status, StringComparison.Ordinal);
        Assert.DoesNotContain(Signature, string.Join('\n', logs.Lines), StringComparison.Ordinal);
        Assert.Contains(logs.Lines, line => line.Contains(name, StringComparison.Ordinal));
    }
}
