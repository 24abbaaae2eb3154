using FunctionsWorker.Hosting;
using FunctionsWorker.Triggers.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Unit;

/// <summary>The pure parts of the HTTP triggers' protection: client windows on a fake clock, the keys file, the bind address.</summary>
public sealed class HttpSecurityUnitTests
{
    [Fact]
    public void ClientWindows_OverTheLimit_WaitsForTheRestOfItsWindow_OtherClientsAndTheNextWindowAreFree()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var windows = new ClientWindows(2, clock);

        Assert.Null(windows.RetryAfter("10.0.0.1"));
        Assert.Null(windows.Take("10.0.0.1"));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(windows.Take("10.0.0.1"));
        Assert.Equal(TimeSpan.FromSeconds(40), windows.RetryAfter("10.0.0.1"));
        Assert.Equal(TimeSpan.FromSeconds(40), windows.Take("10.0.0.1"));
        Assert.Null(windows.Take("10.0.0.2"));

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(windows.RetryAfter("10.0.0.1"));
        Assert.Null(windows.Take("10.0.0.1"));
    }

    [Fact]
    public void HostSecrets_Generate_TwoDistinctRandomKeys_AndUsableKeysSkipsEncryptedOnes()
    {
        var one = HostSecrets.Generate();
        var other = HostSecrets.Generate();

        Assert.Equal(2, one.UsableKeys().Count);
        Assert.Equal(2, one.UsableKeys().Distinct().Count());
        Assert.Empty(one.UsableKeys().Intersect(other.UsableKeys()));
        var encrypted = new HostSecrets(new HostKey("master", "CfDJ8...", true), [new HostKey("default", "plain", false), new HostKey("other", "x", true)], [], "runtime");
        Assert.Equal(["plain"], encrypted.UsableKeys());
    }

    [Theory]
    [InlineData("Development", "http://127.0.0.1:7123")]
    [InlineData("Production", "http://0.0.0.0:7123")]
    public void Worker_ListensOnLoopbackInDevelopment_AndOnEveryAddressOtherwise(string environment, string urls)
    {
        var root = Directory.CreateTempSubdirectory("bind-").FullName;
        var builder = FunctionsWorkerHost.CreateBuilder(new WebApplicationOptions { ContentRootPath = root, EnvironmentName = environment });
        builder.AddFunctionsWorker(new Dictionary<string, string?> { ["PORT"] = "7123" });

        Assert.Equal(urls, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Theory]
    [InlineData("Bad_Id")]
    [InlineData("-leading")]
    [InlineData("a-host-id-that-is-longer-than-32-chars")]
    public void HostId_NotAFunctionsHostId_IsRefusedNamingTheSetting(string hostId)
    {
        var result = new HttpOptionsValidator().Validate(null, new HttpOptions { HostId = hostId });

        Assert.True(result.Failed);
        Assert.Contains("AzureFunctionsWebHost:hostid", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("My_Worker.App", "my-worker-app")]
    [InlineData("a-very-long-container-app-name-that-goes-on", "a-very-long-container-app-name-t")]
    [InlineData("---", "functionsworker")]
    public void ToHostId_MakesAPlatformNameAValidHostId(string name, string hostId) =>
        Assert.Equal(hostId, HttpOptionsValidator.ToHostId(name));
}
