using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Functions.Tests.Fixtures;
using FunctionsWorker.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Integration;

/// <summary>
/// Identity-based AzureWebJobsStorage against a real Azurite that takes bearer tokens (HTTPS, <c>--oauth basic</c>): the
/// worker holds no account key, only service URIs and a token credential, and runs jobs and fetches <c>blob://</c> models.
/// </summary>
public sealed class IdentityStorageTests(AzuriteOAuthFixture fixture) : IClassFixture<AzuriteOAuthFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private AzuriteFixture Azurite => fixture.Azurite;

    [Fact]
    public async Task ServiceUris_AndATokenCredential_RunAJob_AndFetchABlobModel()
    {
        var credential = new AzuriteTokenCredential();
        var model = RandomNumberGenerator.GetBytes(4096);
        var modelName = $"weights-{Guid.NewGuid():N}.bin";
        await UploadWithKeyAsync("models", modelName, model);

        await using var worker = await TestWorker.StartAsync(Azurite, IdentitySettings(new Dictionary<string, string?>
        {
            ["Models:weights:Source"] = $"blob://models/{modelName}",
            ["Models:weights:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(model)),
            ["Models:weights:Kind"] = "File",
            ["Inference:ModelCacheDirectory"] = Directory.CreateTempSubdirectory("identity-models-").FullName,
        }), services => Register(services, credential));

        var clients = worker.Services.GetRequiredService<StorageClients>();
        Assert.Same(credential, clients.Credential);
        Assert.Equal(Azurite.BlobServiceUri, clients.Blobs.Uri);

        await worker.Queue.UploadAsync("inputs", "id/cat.png", TestImages.Png(300, 150));
        await worker.Queue.SendAsync(JobQueue.Job("identity-1", "thumbnail", "id/cat.png", new JsonObject { ["maxSide"] = 60 }));

        var record = await worker.Queue.WaitForStateAsync("identity-1", Wait, "Succeeded", "Poisoned");
        Assert.Equal("Succeeded", record.GetString("State"));
        var result = await worker.Queue.ReadResultAsync("identity-1");
        Assert.Equal(60, result["result"]!["width"]!.GetValue<int>());

        // The listener fetched only once every model was warm, so the blob model came through the same credential.
        var status = await worker.Http.GetFromJsonAsync<JsonObject>("/api/status");
        var weights = Assert.Single(status!["inference"]!["models"]!.AsArray(), m => m!["name"]!.GetValue<string>() == "weights")!;
        Assert.Equal("Ready", weights["state"]!.GetValue<string>());
        Assert.Equal(model.Length, weights["bytes"]!.GetValue<long>());
        Assert.Equal("devstoreaccount1", status["storage"]!["account"]!.GetValue<string>());
        Assert.True(status["storage"]!["reachable"]!.GetValue<bool>());

        Assert.True(credential.Requests > 0, "the worker never asked the credential for a token");
        Assert.All(credential.Scopes, scope => Assert.Equal("https://storage.azure.com/.default", scope));
    }

    [Fact]
    public async Task WithoutAUsableToken_StorageRefuses_AndReadinessSaysSo()
    {
        // The proof that the bearer token is what Azurite checks: one that is no JWT is turned away, as Azure does.
        var credential = new StaticTokenCredential("not-a-jwt");
        await using var worker = await TestWorker.StartAsync(Azurite, IdentitySettings(), services => Register(services, credential));

        // Until the first probe answers, storage is unreachable with no error yet ("not yet reached"): wait for the
        // probe's own verdict.
        await Eventually.HoldsAsync(async () =>
        {
            var status = await worker.Http.GetFromJsonAsync<JsonObject>("/api/status");
            return status!["storage"]!["reachable"]!.GetValue<bool>() is false && status["storage"]!["error"] is not null;
        });
        var text = await worker.Http.GetStringAsync("/api/status");
        Assert.True(text.Contains("403 AuthenticationFailed", StringComparison.Ordinal), text);
        Assert.DoesNotContain("not-a-jwt", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoTokenAtAll_IsAStorageFailure_TheWorkerStaysUpAndNotReady()
    {
        // What a managed identity that is not there (wrong clientId, no IMDS) looks like: the credential throws.
        var credential = new UnavailableCredential();
        await using var worker = await TestWorker.StartAsync(Azurite, IdentitySettings(new Dictionary<string, string?>
        {
            ["Models:weights:Source"] = "blob://models/weights.bin",
            ["Models:weights:Sha256"] = new string('0', 64),
            ["Models:weights:Kind"] = "File",
            ["Inference:ModelCacheDirectory"] = Directory.CreateTempSubdirectory("identity-models-").FullName,
        }), services => Register(services, credential));

        JsonObject? status = null;
        await Eventually.HoldsAsync(async () =>
        {
            status = await worker.Http.GetFromJsonAsync<JsonObject>("/api/status");
            return status!["storage"]!["reachable"]!.GetValue<bool>() is false
                && status["inference"]!["models"]![0]!["state"]!.GetValue<string>() == "Failed";
        });
        Assert.Contains("no managed identity here", status!["storage"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("no token for the storage account", status["inference"]!["models"]![0]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await worker.Http.GetAsync("/api/ready")).StatusCode);
    }

    [Fact]
    public async Task ResultLinkLifetime_WithAnIdentity_LinksAreSignedWithAUserDelegationKey_AndReadTheBlob()
    {
        await using var worker = await TestWorker.StartAsync(Azurite, IdentitySettings(new Dictionary<string, string?>
        {
            ["Storage:ResultLinkLifetime"] = "00:05:00",
        }), services => Register(services, new AzuriteTokenCredential()));
        await worker.Queue.UploadAsync("inputs", "id/link.png", TestImages.Png(80, 40));

        await worker.Queue.SendAsync(JobQueue.Job("identity-link", "thumbnail", "id/link.png", new JsonObject { ["maxSide"] = 20 }));

        var record = await worker.Queue.WaitForStateAsync("identity-link", Wait, "Succeeded", "Poisoned");
        Assert.True(record.GetString("State") == "Succeeded", $"{record.GetString("ErrorType")}: {record.GetString("ErrorMessage")}");
        var output = (await worker.Queue.ReadResultAsync("identity-link"))["outputs"]![0]!;
        var link = new Uri(output["link"]!.GetValue<string>());
        Assert.Contains("skoid=", link.Query, StringComparison.Ordinal);
        Assert.Contains("sp=r&", link.Query, StringComparison.Ordinal);
        var anonymous = new BlobClient(link, new BlobClientOptions { Transport = Azurite.Transport! });
        Assert.Equal(
            (await worker.Queue.Blobs.GetBlobContainerClient("outputs").GetBlobClient("identity-link/thumbnail.png").DownloadContentAsync()).Value.Content.ToArray(),
            (await anonymous.DownloadContentAsync()).Value.Content.ToArray());
    }

    private Dictionary<string, string?> IdentitySettings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = null,
            ["AzureWebJobsStorage:blobServiceUri"] = Azurite.BlobServiceUri.ToString(),
            ["AzureWebJobsStorage:queueServiceUri"] = Azurite.QueueServiceUri.ToString(),
            ["AzureWebJobsStorage:tableServiceUri"] = Azurite.TableServiceUri.ToString(),
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    private void Register(IServiceCollection services, TokenCredential credential)
    {
        services.AddSingleton(credential);
        services.AddSingleton<HttpPipelineTransport>(Azurite.Transport!);
    }

    private async Task UploadWithKeyAsync(string container, string name, byte[] content)
    {
        var blobs = new BlobServiceClient(Azurite.ConnectionString, new BlobClientOptions { Transport = Azurite.Transport! });
        var client = blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        await client.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: true);
    }

    private sealed class UnavailableCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new Azure.Identity.CredentialUnavailableException("no managed identity here");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new Azure.Identity.CredentialUnavailableException("no managed identity here");
    }

    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
