using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Microsoft.Extensions.Options;
using FunctionsWorker.Errors;
using FunctionsWorker.Telemetry;

namespace FunctionsWorker.Storage;

/// <summary>Reads job inputs and writes job outputs in the worker's storage account.</summary>
public sealed class JobBlobs(StorageClients clients, IOptions<ResultLinkOptions> links, TimeProvider time)
{
    public const string ResultFileName = "result.json";

    /// <summary>The blob's address for records and results, never with the connection's SAS (<see cref="StorageUris"/>).</summary>
    public string Address(string container, string blob) => StorageUris.WithoutQuery(clients.Blobs.GetBlobContainerClient(container).GetBlobClient(blob).Uri);

    /// <summary>
    /// A read-only link to one blob, valid for <c>Storage:ResultLinkLifetime</c>, for a producer without its own
    /// credential; null when links are off or the worker holds nothing to sign one with but the connection's own SAS.
    /// </summary>
    public async Task<(string Link, DateTimeOffset ExpiresOn)?> ReadLinkAsync(string container, string blobName, CancellationToken cancellationToken)
    {
        if (links.Value.ResultLinkLifetime is not { } lifetime)
        {
            return null;
        }

        var blob = clients.Blobs.GetBlobContainerClient(container).GetBlobClient(blobName);
        var expiresOn = time.GetUtcNow() + lifetime;
        if (clients.Credential is not null)
        {
            // Identity: a user delegation key, itself short-lived, signs the link; no account key is involved.
            // The key's start a little in the past, for the clock skew between this machine and the service.
            var key = await clients.Blobs.GetUserDelegationKeyAsync(time.GetUtcNow() - TimeSpan.FromMinutes(5), expiresOn, cancellationToken).ConfigureAwait(false);
            var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn) { BlobContainerName = container, BlobName = blobName, Resource = "b" };
            var uri = new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, clients.AccountName) };
            return (uri.ToUri().ToString(), expiresOn);
        }

        // Only a client built with the account key can sign; one built from a SAS connection string cannot.
        return blob.CanGenerateSasUri ? (blob.GenerateSasUri(BlobSasPermissions.Read, expiresOn).ToString(), expiresOn) : null;
    }

    /// <summary>Downloads the input, refusing one larger than <paramref name="maxBytes"/> (<c>Imaging:MaxInputBytes</c>) before reading its bytes.</summary>
    public async Task<BinaryData> ReadInputAsync(BlobReference input, long maxBytes, CancellationToken cancellationToken)
    {
        var blob = clients.Blobs.GetBlobContainerClient(input.Container).GetBlobClient(input.Blob);
        using var span = WorkerTelemetry.StartSpan("blob read")?.SetTag("blob.name", input.Container + "/" + input.Blob);
        try
        {
            var response = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var download = response.Value;
            var length = download.Details.ContentLength;
            var limit = maxBytes;
            if (length > limit)
            {
                throw new InvalidJobException("input-too-large", string.Create(CultureInfo.InvariantCulture,
                    $"The input blob is {length} bytes; the limit (Imaging:MaxInputBytes) is {limit}."));
            }

            using var buffer = new MemoryStream((int)length);
            await download.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return new BinaryData(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (RequestFailedException ex) when (ex.IsNotFound())
        {
            throw new InvalidJobException("blob-not-found", $"Input blob '{input.Container}/{input.Blob}' does not exist ({ex.ErrorCode}).", ex);
        }
    }

    /// <summary>
    /// Uploads a blob. With <paramref name="createOnly"/> an existing blob is left exactly as it is (a finished job's
    /// <c>result.json</c> never changes); the upload then does nothing. Returns the blob's address without a query.
    /// </summary>
    public async Task<string> WriteAsync(string container, string blobName, BinaryData content, string contentType, CancellationToken cancellationToken,
        bool createOnly = false)
    {
        var containerClient = clients.Blobs.GetBlobContainerClient(container);
        var blob = containerClient.GetBlobClient(blobName);
        using var span = WorkerTelemetry.StartSpan("blob write")?.SetTag("blob.name", container + "/" + blobName);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            Conditions = createOnly ? new BlobRequestConditions { IfNoneMatch = ETag.All } : null,
        };
        try
        {
            await StorageErrors.CreatingIfMissingAsync(
                () => blob.UploadAsync(content, options, cancellationToken),
                () => containerClient.CreateIfNotExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (createOnly && ex.Status is 409 or 412)
        {
            // Written already, by an earlier holder of the job: the first result stands.
        }

        return StorageUris.WithoutQuery(blob.Uri);
    }

    public async Task DeleteIfExistsAsync(string container, string blobName, CancellationToken cancellationToken) =>
        await clients.Blobs.GetBlobContainerClient(container).GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<bool> ExistsAsync(string container, string blobName, CancellationToken cancellationToken)
    {
        var response = await clients.Blobs.GetBlobContainerClient(container).GetBlobClient(blobName).ExistsAsync(cancellationToken).ConfigureAwait(false);
        return response.Value;
    }
}
