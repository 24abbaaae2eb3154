using Azure;
using Azure.Storage.Blobs;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Inference;

/// <summary>
/// Streams <c>blob://</c> sources from the AzureWebJobsStorage account through the host's singleton client, so with
/// identity-based settings a model is read with the same credential as the jobs' blobs, queues and tables.
/// </summary>
internal sealed class BlobModelSourceOpener(BlobServiceClient client) : IModelSourceOpener
{
    public string Scheme => ModelSource.BlobScheme;

    public async Task<ModelDownload> OpenAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var blob = client.GetBlobContainerClient(source.Container).GetBlobClient(source.Path);
        try
        {
            var response = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ModelDownload(response.Value.Content, response.Value.Details.ContentLength);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Retryable: a deployment may upload the model after the worker starts.
            throw new ModelLoadException(
                "model-source-missing",
                $"{source} does not exist in the storage account ({ex.ErrorCode ?? "404"}): upload the model or fix 'Source'",
                retryable: true,
                ex);
        }
        catch (Azure.Identity.AuthenticationFailedException ex)
        {
            // First line only: the credential chain's full report runs to many lines; it never holds a token.
            throw new ModelLoadException(
                "model-source-unavailable",
                $"{source} could not be read: no token for the storage account ({StorageErrors.Describe(ex)})",
                retryable: true,
                ex);
        }
        catch (RequestFailedException ex)
        {
            // Status and code only: the SDK's full message carries request details that have no place in status output.
            throw new ModelLoadException(
                "model-source-unavailable",
                $"{source} could not be read: storage answered {ex.Status} {ex.ErrorCode}",
                retryable: true,
                ex);
        }
    }
}
