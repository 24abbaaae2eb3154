using System.CommandLine;
using Azure.Core;
using FunctionsWorker.Cli;

namespace Functions.Tests.Unit.Cli;

/// <summary>fwjobs' storage options → which clients it builds, without contacting any account.</summary>
public sealed class StorageOptionsTests
{
    private const string Key = "U0VDUkVUS0VZeHl6MTIzNDU2Nzg5MA==";
    private static readonly string ExplicitConnection =
        $"DefaultEndpointsProtocol=https;AccountName=fromoption;AccountKey={Key};EndpointSuffix=core.windows.net";

    private static StorageClients Resolve(string[] args, string? environmentConnection = null, TokenCredential? credential = null)
    {
        var options = new StorageOptions();
        var command = new RootCommand();
        options.AddTo(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return options.Resolve(parse, name => name == "AzureWebJobsStorage" ? environmentConnection : null, credential);
    }

    [Fact]
    public void NoOptions_NoEnvironment_UsesAzurite()
    {
        var clients = Resolve([]);
        Assert.False(clients.UsesIdentity);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), clients.BlobService().Uri);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), clients.QueueService().Uri);
        Assert.Equal("devstoreaccount1", clients.TableService().AccountName);
    }

    [Fact]
    public void NoOptions_ConnectionStringInEnvironment_UsesIt()
    {
        var clients = Resolve([], $"DefaultEndpointsProtocol=https;AccountName=fromenv;AccountKey={Key};EndpointSuffix=core.windows.net");
        Assert.False(clients.UsesIdentity);
        Assert.Equal("fromenv", clients.BlobService().AccountName);
        Assert.True(clients.BlobService().CanGenerateAccountSasUri);
    }

    [Fact]
    public void StorageOption_WinsOverEnvironment()
    {
        var clients = Resolve(["--storage", ExplicitConnection], "UseDevelopmentStorage=true");
        Assert.Equal(new Uri("https://fromoption.queue.core.windows.net/"), clients.QueueService().Uri);
    }

    [Fact]
    public void AccountName_SignsInWithIdentity_OnPublicEndpoints()
    {
        var clients = Resolve(["--account-name", "myaccount"], ExplicitConnection);
        Assert.True(clients.UsesIdentity);
        Assert.Equal(new Uri("https://myaccount.blob.core.windows.net/"), clients.BlobService().Uri);
        Assert.Equal(new Uri("https://myaccount.queue.core.windows.net/"), clients.QueueService().Uri);
        Assert.Equal(new Uri("https://myaccount.table.core.windows.net/"), clients.TableService().Uri);
        Assert.False(clients.BlobService().CanGenerateAccountSasUri);
        Assert.False(clients.QueueService().CanGenerateAccountSasUri);
    }

    [Fact]
    public void Endpoints_OverrideTheAccountNamesOnes()
    {
        var clients = Resolve(["--account-name", "myaccount", "--blob-endpoint", "https://blobs.example.net/"]);
        Assert.Equal(new Uri("https://blobs.example.net/"), clients.BlobService().Uri);
        Assert.Equal(new Uri("https://myaccount.queue.core.windows.net/"), clients.QueueService().Uri);
    }

    [Fact]
    public void EndpointsAlone_SignInWithIdentity_AndAMissingOneIsBadInput()
    {
        var clients = Resolve(["--blob-endpoint", "https://myaccount.blob.core.windows.net", "--table-endpoint", "https://myaccount.table.core.windows.net"]);
        Assert.True(clients.UsesIdentity);
        Assert.Equal("myaccount", clients.BlobService().AccountName);
        Assert.Equal(new Uri("https://myaccount.table.core.windows.net/"), clients.TableService().Uri);
        var missing = Assert.Throws<CliException>(() => clients.QueueService());
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("--queue-endpoint", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageTogetherWithAccountName_IsBadInput()
    {
        var error = Assert.Throws<CliException>(() => Resolve(["--storage", ExplicitConnection, "--account-name", "myaccount"]));
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Theory]
    [InlineData("--account-name", "My_Account")]
    [InlineData("--blob-endpoint", "blobs.example.net")]
    [InlineData("--queue-endpoint", "ftp://queues.example.net")]
    public void InvalidIdentityOption_IsBadInput(string option, string value)
    {
        var error = Assert.Throws<CliException>(() => Resolve([option, value]));
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void MalformedConnectionString_IsBadInput_AndNotQuoted()
    {
        var error = Assert.Throws<CliException>(() => Resolve([], "AccountName=x;AccountKey=not base64 SECRET;BlobEndpoint=nonsense"));
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
    }
}
