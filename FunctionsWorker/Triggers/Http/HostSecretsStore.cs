using Azure;
using Azure.Storage.Blobs;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// The worker's function keys where Functions keeps its own: blob <c>azure-webjobs-secrets/{hostId}/host.json</c>. The first
/// replica to start creates the file with a create-only write; every other replica, and every later start, reads it, so
/// one app has one key however many replicas race at its first start.
/// </summary>
internal sealed class HostSecretsStore(StorageClients clients, IOptions<HttpOptions> options, ILogger<HostSecretsStore> logger)
{
    public const string ContainerName = "azure-webjobs-secrets";

    public string BlobName => $"{options.Value.HostId}/host.json";

    /// <summary>The usable key values of the file, created first when there is none.</summary>
    public async Task<IReadOnlyList<string>> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var container = clients.Blobs.GetBlobContainerClient(ContainerName);
        var blob = container.GetBlobClient(BlobName);
        var secrets = await ReadAsync(blob, cancellationToken).ConfigureAwait(false);
        if (secrets is not null)
        {
            Log.KeysRead(logger, ContainerName, BlobName);
        }
        else
        {
            var created = HostSecrets.Generate();
            try
            {
                // If-None-Match: * — never overwrites a file another replica wrote a moment before.
                await StorageErrors.CreatingIfMissingAsync(
                    () => blob.UploadAsync(BinaryData.FromObjectAsJson(created, HttpJsonContext.Default.HostSecrets), overwrite: false, cancellationToken),
                    () => container.CreateIfNotExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
                secrets = created;
                Log.KeysCreated(logger, ContainerName, BlobName);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                secrets = await ReadAsync(blob, cancellationToken).ConfigureAwait(false)
                          ?? throw new InvalidOperationException($"Blob {ContainerName}/{BlobName} was created by another writer and then disappeared.", ex);
                Log.KeysRead(logger, ContainerName, BlobName);
            }
        }

        var keys = secrets.UsableKeys();
        return keys.Count > 0
            ? keys
            : throw new InvalidOperationException(
                $"Blob {ContainerName}/{BlobName} holds only encrypted keys, which this worker cannot read: set the app setting FunctionKey.");
    }

    private static async Task<HostSecrets?> ReadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToObjectFromJson(HttpJsonContext.Default.HostSecrets)
                   ?? throw new InvalidOperationException($"Blob {ContainerName}/{blob.Name} is empty.");
        }
        catch (RequestFailedException ex) when (ex.IsNotFound())
        {
            // No container or no blob yet: nobody made the keys.
            return null;
        }
    }
}
