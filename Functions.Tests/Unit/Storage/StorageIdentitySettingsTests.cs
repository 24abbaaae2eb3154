using Azure.Core;
using Azure.Identity;
using FunctionsWorker.Configuration;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Functions.Tests.Unit.Storage;

/// <summary>
/// AzureWebJobsStorage as a connection string or as Functions' identity-based settings → which clients and which
/// credential the worker builds, and the startup errors for settings that conflict or fall short. Nothing here
/// contacts Azure: clients and credentials are only constructed.
/// </summary>
public sealed class StorageIdentitySettingsTests
{
    private const string AccountKey = "U0VDUkVUS0VZeHl6MTIzNDU2Nzg5MA==";
    private const string ClientId = "1b1b8a5e-0c7e-4a57-9f37-4d1f4b2c9e10";
    private const string Secret = "TOP-SECRET-value-42";

    private static readonly string ConnectionString =
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
        "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    [Fact]
    public void ConnectionString_KeepsWorking_WithoutACredential()
    {
        var clients = Resolve(new() { ["AzureWebJobsStorage"] = ConnectionString });

        Assert.Null(clients.Credential);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), clients.Blobs.Uri);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), clients.Queues.Uri);
        Assert.Equal("devstoreaccount1", clients.Tables.AccountName);
        Assert.Equal("devstoreaccount1", clients.AccountName);
        Assert.True(clients.Blobs.CanGenerateAccountSasUri); // signed with the key, as before
    }

    [Fact]
    public void AccountName_ImpliesThePublicEndpoints_AndDefaultAzureCredential()
    {
        var clients = Resolve(new() { ["AzureWebJobsStorage:accountName"] = "myaccount" });

        Assert.Equal(new Uri("https://myaccount.blob.core.windows.net/"), clients.Blobs.Uri);
        Assert.Equal(new Uri("https://myaccount.queue.core.windows.net/"), clients.Queues.Uri);
        Assert.Equal("myaccount", clients.Tables.AccountName);
        Assert.Equal("myaccount", clients.AccountName);
        Assert.IsType<DefaultAzureCredential>(clients.Credential);
        Assert.False(clients.Blobs.CanGenerateAccountSasUri); // no key anywhere
    }

    [Fact]
    public void ServiceUris_AreUsedAsGiven()
    {
        var clients = Resolve(new()
        {
            ["AzureWebJobsStorage:blobServiceUri"] = "https://gov1.blob.core.usgovcloudapi.net",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://gov1.queue.core.usgovcloudapi.net",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://gov1.table.core.usgovcloudapi.net",
        });

        Assert.Equal(new Uri("https://gov1.blob.core.usgovcloudapi.net/"), clients.Blobs.Uri);
        Assert.Equal(new Uri("https://gov1.queue.core.usgovcloudapi.net/"), clients.Queues.Uri);
        Assert.Equal("gov1", clients.Tables.AccountName);
        Assert.Equal("gov1", clients.AccountName);
        Assert.IsType<DefaultAzureCredential>(clients.Credential);
    }

    [Fact]
    public void ServiceUri_WinsOverTheAccountNamesEndpoint_ForItsServiceOnly()
    {
        var clients = Resolve(new()
        {
            ["AzureWebJobsStorage:accountName"] = "myaccount",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://myaccount-private.queue.core.windows.net",
        });

        Assert.Equal(new Uri("https://myaccount.blob.core.windows.net/"), clients.Blobs.Uri);
        Assert.Equal(new Uri("https://myaccount-private.queue.core.windows.net/"), clients.Queues.Uri);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ClientId)]
    public void CredentialManagedIdentity_IsTheManagedIdentityAlone_SystemOrUserAssigned(string? clientId)
    {
        var clients = Resolve(new()
        {
            ["AzureWebJobsStorage:accountName"] = "myaccount",
            ["AzureWebJobsStorage:credential"] = "ManagedIdentity",
            ["AzureWebJobsStorage:clientId"] = clientId,
        });

        Assert.IsType<ManagedIdentityCredential>(clients.Credential);
    }

    [Fact]
    public void CredentialManagedIdentity_ByResourceId_IsTheManagedIdentity()
    {
        var clients = Resolve(new()
        {
            ["AzureWebJobsStorage:accountName"] = "myaccount",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:managedIdentityResourceId"] =
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker",
        });

        Assert.IsType<ManagedIdentityCredential>(clients.Credential);
    }

    [Fact]
    public void ClientId_WithoutCredential_IsDefaultAzureCredential_AsInFunctions()
    {
        var clients = Resolve(new() { ["AzureWebJobsStorage:accountName"] = "myaccount", ["AzureWebJobsStorage:clientId"] = ClientId });

        Assert.IsType<DefaultAzureCredential>(clients.Credential);
    }

    [Fact]
    public void TenantClientIdAndSecret_AreAServicePrincipal()
    {
        var clients = Resolve(new()
        {
            ["AzureWebJobsStorage:accountName"] = "myaccount",
            ["AzureWebJobsStorage:tenantId"] = "72f988bf-86f1-41af-91ab-2d7cd011db47",
            ["AzureWebJobsStorage:clientId"] = ClientId,
            ["AzureWebJobsStorage:clientSecret"] = Secret,
        });

        Assert.IsType<ClientSecretCredential>(clients.Credential);
    }

    [Fact]
    public void RegisteredTokenCredential_OverridesTheSettings_ButNotAConnectionString()
    {
        var mine = new RecordingCredential();

        var identity = Resolve(new() { ["AzureWebJobsStorage:accountName"] = "myaccount", ["AzureWebJobsStorage:credential"] = "managedidentity" }, mine);
        Assert.Same(mine, identity.Credential);

        var keyed = Resolve(new() { ["AzureWebJobsStorage"] = ConnectionString }, mine);
        Assert.Null(keyed.Credential);
    }

    [Fact]
    public void FunctionsSpelling_InLocalSettingsValues_Binds()
    {
        var dir = Directory.CreateTempSubdirectory("identity-settings-").FullName;
        File.WriteAllText(Path.Combine(dir, "local.settings.json"), $$"""
            { "IsEncrypted": false,
              "Values": { "AzureWebJobsStorage__accountName": "fromfile", "AzureWebJobsStorage__credential": "managedidentity",
                          "AzureWebJobsStorage__clientId": "{{ClientId}}" } }
            """);
        var configuration = new ConfigurationBuilder();
        configuration.AddFunctionsConfiguration(dir);

        var built = configuration.Build();

        var clients = ResolveFrom(built);

        Assert.Equal(new Uri("https://fromfile.blob.core.windows.net/"), clients.Blobs.Uri);
        Assert.IsType<ManagedIdentityCredential>(clients.Credential);
        Assert.Equal(ClientId, Options(built).Identity.ClientId);
    }

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void InvalidSettings_FailAtStartup_NamingTheSetting_WithoutEchoingSecrets(Dictionary<string, string?> settings, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AccountKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Dictionary<string, string?>, string> InvalidSettings() => new()
    {
        { new(), "AzureWebJobsStorage is not set" },
        { new() { ["AzureWebJobsStorage"] = ConnectionString, ["AzureWebJobsStorage:accountName"] = "myaccount" }, "both as a connection string and as identity-based settings (AzureWebJobsStorage__accountName)" },
        { new() { ["AzureWebJobsStorage"] = ConnectionString, ["AzureWebJobsStorage:credential"] = "managedidentity" }, "AzureWebJobsStorage__credential" },
        { new() { ["AzureWebJobsStorage:credential"] = "managedidentity", ["AzureWebJobsStorage:clientId"] = ClientId }, "name no storage account" },
        {
            new() { ["AzureWebJobsStorage:blobServiceUri"] = "https://a1.blob.core.windows.net", ["AzureWebJobsStorage:queueServiceUri"] = "https://a1.queue.core.windows.net" },
            "AzureWebJobsStorage__tableServiceUri is not set"
        },
        { new() { ["AzureWebJobsStorage:accountName"] = "My_Account" }, "AzureWebJobsStorage__accountName 'My_Account' is not a storage account name" },
        { new() { ["AzureWebJobsStorage:accountName"] = "a1", ["AzureWebJobsStorage:blobServiceUri"] = "http://a1.blob.core.windows.net" }, "AzureWebJobsStorage__blobServiceUri must use https" },
        { new() { ["AzureWebJobsStorage:accountName"] = "abc", ["AzureWebJobsStorage:queueServiceUri"] = "queue.example" }, "AzureWebJobsStorage__queueServiceUri is not an absolute URI" },
        {
            new() { ["AzureWebJobsStorage:accountName"] = "abc", ["AzureWebJobsStorage:tableServiceUri"] = "https://abc.table.core.windows.net/?sv=2024&sig=c2VjcmV0" },
            "AzureWebJobsStorage__tableServiceUri must be the bare service endpoint"
        },
        { new() { ["AzureWebJobsStorage:accountName"] = "abc", ["AzureWebJobsStorage:credential"] = "workloadidentity" }, "AzureWebJobsStorage__credential 'workloadidentity' is not supported" },
        {
            new() { ["AzureWebJobsStorage:accountName"] = "abc", ["AzureWebJobsStorage:clientId"] = ClientId, ["AzureWebJobsStorage:managedIdentityResourceId"] = "/subscriptions/0/x" },
            "AzureWebJobsStorage__clientId and AzureWebJobsStorage__managedIdentityResourceId are both set"
        },
        { new() { ["AzureWebJobsStorage:accountName"] = "abc", ["AzureWebJobsStorage:clientSecret"] = Secret }, "AzureWebJobsStorage__clientSecret needs AzureWebJobsStorage__tenantId" },
        {
            new() { ["AzureWebJobsStorage:accountName"] = "abc", ["AzureWebJobsStorage:credential"] = "managedidentity", ["AzureWebJobsStorage:clientSecret"] = Secret },
            "AzureWebJobsStorage__clientSecret is set with credential=managedidentity"
        },
        { new() { ["AzureWebJobsStorage"] = $"AccountName=x;AccountKey={AccountKey};BlobEndpoint=nonsense" }, "AzureWebJobsStorage is not a valid storage connection string" },
    };

    private static StorageClients Resolve(Dictionary<string, string?> settings, TokenCredential? credential = null) =>
        ResolveFrom(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), credential);

    private static StorageClients ResolveFrom(IConfiguration configuration, TokenCredential? credential = null)
    {
        var services = new ServiceCollection().AddSingleton(configuration).AddLogging();
        services.AddWorkerStorage();
        if (credential is not null)
        {
            services.AddSingleton(credential);
        }

        return services.BuildServiceProvider().GetRequiredService<StorageClients>();
    }

    private static StorageOptions Options(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddSingleton(configuration).AddLogging();
        services.AddWorkerStorage();
        return services.BuildServiceProvider().GetRequiredService<IOptions<StorageOptions>>().Value;
    }

    /// <summary>A credential that is never asked for a token here: only its identity matters.</summary>
    private sealed class RecordingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
