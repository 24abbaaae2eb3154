using System.CommandLine;
using Azure.Core;

namespace FunctionsWorker.Cli;

/// <summary>
/// How a command reaches storage: a connection string (<c>--storage</c>, else <c>$AzureWebJobsStorage</c>, else Azurite),
/// or Microsoft Entra ID (<c>--account-name</c> and/or <c>--*-endpoint</c>) with <c>DefaultAzureCredential</c>, like
/// <c>az storage ... --auth-mode login</c>.
/// </summary>
internal sealed class StorageOptions
{
    public const string ConnectionStringVariable = "AzureWebJobsStorage";
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    // No DefaultValueFactory: help prints computed defaults, and the environment's connection string holds a key.
    public Option<string?> ConnectionString { get; } = new("--storage")
    {
        Description = $"Storage connection string [default: ${ConnectionStringVariable}, else {DevelopmentStorage} (Azurite)].",
        HelpName = "connection-string",
    };

    public Option<string?> AccountName { get; } = new("--account-name")
    {
        Description = "Storage account name: sign in with DefaultAzureCredential (az login, managed identity, environment) " +
                      "instead of a connection string; endpoints https://<name>.{blob,queue,table}.core.windows.net.",
    };

    public Option<string?> BlobEndpoint { get; } = new("--blob-endpoint") { Description = "Blob service URI for DefaultAzureCredential (overrides --account-name's)." };

    public Option<string?> QueueEndpoint { get; } = new("--queue-endpoint") { Description = "Queue service URI for DefaultAzureCredential (overrides --account-name's)." };

    public Option<string?> TableEndpoint { get; } = new("--table-endpoint") { Description = "Table service URI for DefaultAzureCredential (overrides --account-name's)." };

    public void AddTo(Command command)
    {
        command.Options.Add(ConnectionString);
        command.Options.Add(AccountName);
        command.Options.Add(BlobEndpoint);
        command.Options.Add(QueueEndpoint);
        command.Options.Add(TableEndpoint);
    }

    /// <summary>Picks the connection from the parsed options and the environment, read now rather than at help time.</summary>
    public StorageClients Resolve(ParseResult parse, Func<string, string?> environment, TokenCredential? credential = null)
    {
        var connectionString = parse.GetValue(ConnectionString);
        var accountName = parse.GetValue(AccountName);
        var blob = Endpoint(parse, BlobEndpoint);
        var queue = Endpoint(parse, QueueEndpoint);
        var table = Endpoint(parse, TableEndpoint);
        var identity = accountName is not null || blob is not null || queue is not null || table is not null;
        if (identity && connectionString is not null)
        {
            throw CliException.BadInput("use either --storage or --account-name/--blob-endpoint/--queue-endpoint/--table-endpoint, not both.");
        }

        if (!identity)
        {
            var chosen = connectionString
                         ?? (environment(ConnectionStringVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DevelopmentStorage);
            return StorageClients.FromConnectionString(chosen);
        }

        if (accountName is not null && !AccountNames.IsValid(accountName))
        {
            throw CliException.BadInput($"--account-name '{accountName}' must be 3-24 lowercase letters and digits.");
        }

        return StorageClients.FromIdentity(
            blob ?? AccountNames.Endpoint(accountName, "blob"),
            queue ?? AccountNames.Endpoint(accountName, "queue"),
            table ?? AccountNames.Endpoint(accountName, "table"),
            credential);
    }

    /// <summary>An absolute http(s) URI from <paramref name="option"/>, or null when it is absent.</summary>
    public static Uri? Endpoint(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) switch
        {
            null => null,
            var text when Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) => uri,
            _ => throw CliException.BadInput($"{option.Name} must be an absolute http(s) URI."),
        };
}
