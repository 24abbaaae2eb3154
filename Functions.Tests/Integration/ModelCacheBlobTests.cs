using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Functions.Tests.Fixtures;
using FunctionsWorker.Errors;
using FunctionsWorker.Inference;

namespace Functions.Tests.Integration;

/// <summary>Blob model sources against a real Azurite: fetch, verify, reuse across restarts, heal a corrupt copy.</summary>
public sealed class ModelCacheBlobTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private const string ContainerName = "models";

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task BlobSource_IsFetchedVerifiedAndRuns()
    {
        var (source, sha256, bytes) = await UploadAsync(OnnxModelWriter.InvertColours());
        await using var host = await StartAsync(source, sha256);

        await host.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.Equal(source, status.Source);
        Assert.Equal(sha256, status.Sha256);
        Assert.Equal(bytes.Length, status.Bytes);
        Assert.False(status.FromCache);
        Assert.NotNull(status.FetchMs);
        var output = await host.Cache.GetRunner("model").RunAsync(
            new Dictionary<string, TensorData> { ["x"] = new([0.25f, 0.25f, 0.25f], [1, 3, 1, 1]) }, CancellationToken.None);
        Assert.Equal([0.75f, 0.75f, 0.75f], output["y"].Data);
    }

    [Fact]
    public async Task MissingBlob_ModelFailed_WithClearError()
    {
        await ContainerAsync();
        await using var host = await StartAsync($"blob://{ContainerName}/missing/{Guid.NewGuid():N}.onnx", new string('0', 64));

        var thrown = await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Failed, status.State);
        Assert.Contains("does not exist", status.Error);
        Assert.Contains("BlobNotFound", status.Error);
        Assert.Contains(status.Error!, thrown.Message);
    }

    [Fact]
    public async Task WrongSha256_ModelFailed_NothingUnderTheFinalName()
    {
        var (source, sha256, _) = await UploadAsync(OnnxModelWriter.Identity());
        var wrong = new string('b', 64);
        await using var host = await StartAsync(source, wrong);

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Contains(sha256, status.Error);
        Assert.Contains(wrong, status.Error);
        Assert.DoesNotContain(Directory.GetFiles(_root.File("cache")), file => !file.EndsWith(".lock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_ReusesTheVerifiedCopy_WithoutTheSource()
    {
        var (source, sha256, _) = await UploadAsync(OnnxModelWriter.InvertColours());
        await using (var first = await StartAsync(source, sha256))
        {
            await first.Cache.WarmAsync(CancellationToken.None);
            Assert.False(first.Cache.GetSnapshot().Models[0].FromCache);
        }

        await BlobOf(source).DeleteAsync();
        await using var second = await StartAsync(source, sha256);
        await second.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(second.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.True(status.FromCache);
        Assert.Equal(sha256, status.Sha256);
    }

    [Fact]
    public async Task TruncatedCachedCopy_IsDeleted_FetchedAgain_AndReady()
    {
        var (source, sha256, bytes) = await UploadAsync(OnnxModelWriter.Blur());
        await using (var first = await StartAsync(source, sha256))
        {
            await first.Cache.WarmAsync(CancellationToken.None);
        }

        var cached = Path.Combine(_root.File("cache"), "model.onnx");
        await using (var file = new FileStream(cached, FileMode.Open))
        {
            file.SetLength(bytes.Length / 2);
        }

        await using var second = await StartAsync(source, sha256);
        await second.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(second.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.False(status.FromCache);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(cached));
    }

    [Fact]
    public async Task DamagedCachedCopy_WithItsModificationTimeKept_IsHealedFromTheSource()
    {
        var (source, sha256, bytes) = await UploadAsync(OnnxModelWriter.Blur());
        await using (var first = await StartAsync(source, sha256))
        {
            await first.Cache.WarmAsync(CancellationToken.None);
        }

        // Flip 4 KiB in the middle (or the whole file when it is smaller) and put the modification time back.
        var cached = Path.Combine(_root.File("cache"), "model.onnx");
        var modified = File.GetLastWriteTimeUtc(cached);
        var damaged = await File.ReadAllBytesAsync(cached);
        var start = Math.Max(0, damaged.Length / 2 - 2048);
        for (var i = start; i < Math.Min(damaged.Length, start + 4096); i++)
        {
            damaged[i] ^= 0xFF;
        }

        await File.WriteAllBytesAsync(cached, damaged);
        File.SetLastWriteTimeUtc(cached, modified);

        await using var second = await StartAsync(source, sha256);
        await second.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(second.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.False(status.FromCache);
        Assert.True(status.Healed);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(cached));
    }

    [Fact]
    public async Task IntactCachedCopy_IsHashedOnEveryStart_AndReportsTheVerificationTime()
    {
        var (source, sha256, _) = await UploadAsync(OnnxModelWriter.InvertColours());
        await using (var first = await StartAsync(source, sha256))
        {
            await first.Cache.WarmAsync(CancellationToken.None);
        }

        await using var second = await StartAsync(source, sha256);
        await second.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(second.Cache.GetSnapshot().Models);
        Assert.True(status.FromCache);
        Assert.False(status.Healed);
        Assert.NotNull(status.VerifyMs);
    }

    [Fact]
    public async Task HttpSasUrlSource_IsFetchedVerifiedAndRuns_AndTheSasNeverShows()
    {
        var (blobSource, sha256, _) = await UploadAsync(OnnxModelWriter.InvertColours());
        var sas = BlobOf(blobSource).GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.Contains("sig=", sas.Query, StringComparison.Ordinal);
        await using var host = await StartAsync(sas.ToString(), sha256);

        await host.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.Equal(sha256, status.Sha256);
        Assert.DoesNotContain("sig=", status.Source, StringComparison.Ordinal);
        Assert.StartsWith($"http://{sas.Authority}{sas.AbsolutePath}", status.Source, StringComparison.Ordinal);
        var output = await host.Cache.GetRunner("model").RunAsync(
            new Dictionary<string, TensorData> { ["x"] = new([0.25f, 0.25f, 0.25f], [1, 3, 1, 1]) }, CancellationToken.None);
        Assert.Equal([0.75f, 0.75f, 0.75f], output["y"].Data);
    }

    [Fact]
    public async Task HttpSourceWithoutSas_ModelFailed_SaysWhatStorageAnswered()
    {
        var (blobSource, sha256, _) = await UploadAsync(OnnxModelWriter.Identity());
        var url = BlobOf(blobSource).Uri.ToString().Replace("model.onnx", "absent.onnx", StringComparison.Ordinal);
        await using var host = await StartAsync(url, sha256);

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Failed, status.State);
        Assert.Contains("answered 40", status.Error);
    }

    [Fact]
    public async Task GitLfsPointerBlob_ModelFailed_SaysGitLfsPointer()
    {
        var pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 4718592\n"u8.ToArray();
        var (source, sha256, _) = await UploadAsync(pointer);
        await using var host = await StartAsync(source, sha256);

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        Assert.Contains("Git LFS pointer", host.Cache.GetSnapshot().Models[0].Error);
        Assert.DoesNotContain(Directory.GetFiles(_root.File("cache")), file => !file.EndsWith(".lock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BlobLargerThanItsDeclaredBytes_FailsTooLarge_NothingCached_HostStaysUp()
    {
        var (source, sha256, bytes) = await UploadAsync(OnnxModelWriter.InvertColours());
        await using var host = await ModelCacheHost.StartAsync(
            _root.Path,
            new Dictionary<string, string?>
            {
                ["Models:model:Source"] = source,
                ["Models:model:Sha256"] = sha256,
                ["Models:model:Bytes"] = (bytes.Length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            azurite.ConnectionString);

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Failed, status.State);
        Assert.Equal($"{source} is too large: it declares {bytes.Length} bytes, the cap is {bytes.Length - 1} (Models:model:Bytes)", status.Error);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root.Path, "cache"), "model.onnx*"));
    }

    private async Task<(string Source, string Sha256, byte[] Bytes)> UploadAsync(byte[] bytes)
    {
        var container = await ContainerAsync();
        var name = $"{Guid.NewGuid():N}/model.onnx";
        await container.UploadBlobAsync(name, new BinaryData(bytes));
        return ($"blob://{ContainerName}/{name}", Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes);
    }

    private async Task<BlobContainerClient> ContainerAsync()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(ContainerName);
        await container.CreateIfNotExistsAsync();
        return container;
    }

    private BlobClient BlobOf(string source) =>
        new BlobServiceClient(azurite.ConnectionString)
            .GetBlobContainerClient(ContainerName)
            .GetBlobClient(source[$"blob://{ContainerName}/".Length..]);

    private Task<ModelCacheHost> StartAsync(string source, string sha256) =>
        ModelCacheHost.StartAsync(
            _root.Path,
            new Dictionary<string, string?> { ["Models:model:Source"] = source, ["Models:model:Sha256"] = sha256 },
            azurite.ConnectionString);
}
