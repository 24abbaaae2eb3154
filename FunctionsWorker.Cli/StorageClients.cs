using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace FunctionsWorker.Cli;

/// <summary>
/// The blob, queue and table service clients for one storage account, built from a connection string or from endpoints
/// and a token credential. Retries are few and short, so an unreachable account fails in seconds, not minutes.
/// </summary>
internal sealed class StorageClients
{
    private static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(10);

    private readonly string? _connectionString;
    private readonly Uri? _blobEndpoint;
    private readonly Uri? _queueEndpoint;
    private readonly Uri? _tableEndpoint;
    private readonly Lazy<TokenCredential>? _credential;

    private StorageClients(string connectionString)
    {
        _connectionString = connectionString;
    }

    private StorageClients(Uri? blob, Uri? queue, Uri? table, TokenCredential? credential)
    {
        _blobEndpoint = blob;
        _queueEndpoint = queue;
        _tableEndpoint = table;
        _credential = new Lazy<TokenCredential>(() => credential ?? new DefaultAzureCredential());
    }

    /// <summary>True when the clients sign in with a token credential rather than a connection string.</summary>
    public bool UsesIdentity => _credential is not null;

    public static StorageClients FromConnectionString(string connectionString)
    {
        var clients = new StorageClients(connectionString);
        clients.BlobService(); // a malformed connection string is bad input, reported before anything is sent
        return clients;
    }

    public static StorageClients FromIdentity(Uri? blob, Uri? queue, Uri? table, TokenCredential? credential) => new(blob, queue, table, credential);

    public BlobServiceClient BlobService()
    {
        var options = Configure(new BlobClientOptions());
        return _connectionString is not null
            ? Parse(() => new BlobServiceClient(_connectionString, options))
            : new BlobServiceClient(Required(_blobEndpoint, "--blob-endpoint"), _credential!.Value, options);
    }

    public QueueServiceClient QueueService()
    {
        var options = Configure(new QueueClientOptions());
        return _connectionString is not null
            ? Parse(() => new QueueServiceClient(_connectionString, options))
            : new QueueServiceClient(Required(_queueEndpoint, "--queue-endpoint"), _credential!.Value, options);
    }

    public TableServiceClient TableService()
    {
        var options = Configure(new TableClientOptions());
        return _connectionString is not null
            ? Parse(() => new TableServiceClient(_connectionString, options))
            : new TableServiceClient(Required(_tableEndpoint, "--table-endpoint"), _credential!.Value, options);
    }

    private static T Configure<T>(T options)
        where T : Azure.Core.ClientOptions
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = NetworkTimeout;
        return options;
    }

    private static Uri Required(Uri? endpoint, string option) =>
        endpoint ?? throw CliException.BadInput($"this command needs {option} (or --account-name).");

    // The SDK's messages about a malformed connection string can quote it; ours never does.
    private static T Parse<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            throw CliException.BadInput("the storage connection string (--storage or $AzureWebJobsStorage) is not valid.");
        }
    }
}
