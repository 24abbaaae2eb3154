using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Storage;

/// <summary>The process's storage clients, created once from <c>AzureWebJobsStorage</c>.</summary>
public sealed class StorageClients
{
    public StorageClients(IOptions<StorageOptions> options)
    {
        var connectionString = options.Value.AzureWebJobsStorage;
        Queues = new QueueServiceClient(connectionString, Configure(new QueueClientOptions()));
        Blobs = new BlobServiceClient(connectionString, Configure(new BlobClientOptions()));
        Tables = new TableServiceClient(connectionString, Configure(new TableClientOptions()));
        AccountName = Blobs.AccountName;
    }

    public QueueServiceClient Queues { get; }

    public BlobServiceClient Blobs { get; }

    public TableServiceClient Tables { get; }

    // Bounded retries: the worker's own loops back off and report; an SDK call must not hide an outage for minutes.
    private static T Configure<T>(T options) where T : Azure.Core.ClientOptions
    {
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        // A storage endpoint that accepts and never answers costs each call at most four of these, not minutes.
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    /// <summary>Safe to log: the account name, never the key.</summary>
    public string AccountName { get; }
}
