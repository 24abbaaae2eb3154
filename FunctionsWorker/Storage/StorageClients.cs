using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Storage;

/// <summary>
/// The process's storage clients, created once from <c>AzureWebJobsStorage</c>: a connection string, or identity-based
/// settings and one token credential shared by blobs, queues and tables (and so by <c>blob://</c> model sources).
/// </summary>
public sealed class StorageClients
{
    /// <param name="options">The storage settings, validated at startup.</param>
    /// <param name="credential">
    /// A token credential registered in the container, used instead of the one the settings describe (tests register
    /// their own; an app may register one it builds itself). Ignored with a connection string.
    /// </param>
    /// <param name="transport">An HTTP transport registered in the container, used by every client (tests use it to trust a local certificate).</param>
    public StorageClients(IOptions<StorageOptions> options, TokenCredential? credential = null, HttpPipelineTransport? transport = null)
    {
        var settings = options.Value;
        if (settings.UsesIdentity)
        {
            var identity = settings.Identity;
            Credential = credential ?? StorageCredentialFactory.Create(identity);
            Queues = new QueueServiceClient(Endpoint(identity, StorageService.Queue), Credential, Configure(new QueueClientOptions(), transport));
            Blobs = new BlobServiceClient(Endpoint(identity, StorageService.Blob), Credential, Configure(new BlobClientOptions(), transport));
            Tables = new TableServiceClient(Endpoint(identity, StorageService.Table), Credential, Configure(new TableClientOptions(), transport));
        }
        else
        {
            var connectionString = settings.AzureWebJobsStorage;
            Queues = new QueueServiceClient(connectionString, Configure(new QueueClientOptions(), transport));
            Blobs = new BlobServiceClient(connectionString, Configure(new BlobClientOptions(), transport));
            Tables = new TableServiceClient(connectionString, Configure(new TableClientOptions(), transport));
        }

        AccountName = Blobs.AccountName;
    }

    public QueueServiceClient Queues { get; }

    public BlobServiceClient Blobs { get; }

    public TableServiceClient Tables { get; }

    /// <summary>The credential every client signs in with; null with a connection string.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>Safe to log: the account name, never a key or token.</summary>
    public string AccountName { get; }

    // The validator has checked every endpoint; an unset one here means validation did not run.
    private static Uri Endpoint(StorageIdentityOptions identity, StorageService service) =>
        identity.ServiceUri(service) ?? throw new InvalidOperationException(
            $"{StorageIdentityOptions.SettingName(service.ToString().ToLowerInvariant() + "ServiceUri")} is not set and there is no AzureWebJobsStorage__accountName.");

    // Bounded retries: the worker's own loops back off and report; an SDK call must not hide an outage for minutes.
    private static T Configure<T>(T options, HttpPipelineTransport? transport) where T : ClientOptions
    {
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        // A storage endpoint that accepts and never answers costs each call at most four of these, not minutes.
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        if (transport is not null)
        {
            options.Transport = transport;
        }

        return options;
    }
}
