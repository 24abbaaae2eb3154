using FunctionsWorker.Hosting;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Unit;

[Collection(AzuriteCollection.Name)] // serial with the hosts, which read PORT from the environment too
public sealed class ProbeCommandTests
{
    [Theory]
    [InlineData(new[] { "--probe" }, "health")]
    [InlineData(new[] { "--probe", "ready" }, "ready")]
    public void TryGetProbe_ProbeFlag_NamesTheEndpoint(string[] args, string expected)
    {
        Assert.True(ProbeCommand.TryGetProbe(args, out var endpoint));
        Assert.Equal(expected, endpoint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--urls http://0.0.0.0:80")]
    [InlineData("--environment Production --probe")]
    public void TryGetProbe_WorkerArguments_AreNotAProbe(string commandLine) =>
        Assert.False(ProbeCommand.TryGetProbe(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), out _));

    [Fact]
    public void ProbeUri_UsesTheWorkersPortAndRoutePrefixResolution()
    {
        using var root = new TempDirectory();
        File.WriteAllText(root.File("host.json"), """{ "version": "2.0", "extensions": { "http": { "routePrefix": "fn" } } }""");
        File.WriteAllText(root.File("local.settings.json"), """{ "Values": {}, "Host": { "LocalHttpPort": 7345 } }""");

        var uri = ProbeCommand.ProbeUri("ready", root.Path);

        var expectedPort = Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } port ? port : "7345";
        Assert.Equal($"http://127.0.0.1:{expectedPort}/fn/ready", uri.ToString());
    }

    [Fact]
    public async Task RunAsync_UnknownEndpoint_PrintsUsage_ExitsOne()
    {
        using var output = new StringWriter();
        Assert.Equal(1, await ProbeCommand.RunAsync("metrics", output));
        Assert.Contains("usage: FunctionsWorker --probe [health|ready]", output.ToString(), StringComparison.Ordinal);
    }
}
