using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Unit.FunctionsHost;

/// <summary>
/// What the Functions host reads from the isolated worker's build before it starts it: <c>worker.config.json</c> (how
/// to run the worker) and <c>functions.metadata</c> (each function's trigger, route and auth level), as the Worker SDK
/// generated them from the <c>[Function]</c> attributes.
/// </summary>
public sealed class FunctionsHostMetadataTests
{
    private static readonly string Output = RepositoryPaths.BuildOutput("FunctionsWorker.FunctionsHost");

    private static JsonArray Metadata() => JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "functions.metadata")))!.AsArray();

    private static JsonObject Function(string name) =>
        Metadata().Select(f => f!.AsObject()).SingleOrDefault(f => (string?)f["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"functions.metadata has no function '{name}'");

    [Fact]
    public void WorkerConfig_RunsTheWorkerDllAsDotnetIsolated()
    {
        var description = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "worker.config.json")))!["description"]!;
        Assert.Equal("dotnet-isolated", (string?)description["language"]);
        Assert.Equal("FunctionsWorker.FunctionsHost.dll", (string?)description["defaultWorkerPath"]);
        Assert.True(File.Exists(Path.Combine(Output, (string)description["defaultWorkerPath"]!)));
        // Worker indexing: the host asks the worker for its functions over gRPC (the contract test speaks that).
        Assert.Equal("true", (string?)description["workerIndexing"]);
    }

    [Fact]
    public void QueueFunction_TriggersOnTheJobsQueueSettingWithAzureWebJobsStorage()
    {
        var bindings = Function("ProcessJob")["bindings"]!.AsArray();
        var trigger = Assert.Single(bindings)!;
        Assert.Equal("queueTrigger", (string?)trigger["type"]);
        Assert.Equal("In", (string?)trigger["direction"]);
        Assert.Equal("%JobsQueueName%", (string?)trigger["queueName"]);
        Assert.Equal("AzureWebJobsStorage", (string?)trigger["connection"]);
    }

    [Theory]
    [InlineData("Health", "health", "Anonymous", "get,head")]
    [InlineData("Ready", "ready", "Anonymous", "get,head")]
    [InlineData("Status", "status", "Function", "get")]
    [InlineData("ListJobs", "jobs", "Function", "get")]
    [InlineData("GetJob", "jobs/{jobId}", "Function", "get")]
    [InlineData("CancelJob", "jobs/{jobId}", "Admin", "delete")]
    [InlineData("Workers", "workers", "Function", "get")]
    [InlineData("ListPoison", "poison", "Function", "get")]
    [InlineData("ReplayPoison", "poison/replay", "Admin", "post")]
    [InlineData("DeletePoison", "poison/{messageId}", "Admin", "delete")]
    public void HttpFunction_HasTheSelfHostedRouteAndItsAuthLevel(string name, string route, string authLevel, string methods)
    {
        var trigger = Function(name)["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "httpTrigger")!;
        Assert.Equal(route, (string?)trigger["route"]);
        Assert.Equal(authLevel, (string?)trigger["authLevel"]);
        Assert.Equal(methods, string.Join(',', trigger["methods"]!.AsArray().Select(m => (string?)m)));
    }

    [Fact]
    public void Metadata_HasExactlyTheQueueFunctionAndTheTenHttpFunctions()
    {
        // A function added without a row above fails here, so its route and auth level are always checked.
        Assert.Equal(
            ["CancelJob", "DeletePoison", "GetJob", "Health", "ListJobs", "ListPoison", "ProcessJob", "Ready", "ReplayPoison", "Status", "Workers"],
            Metadata().Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HostJson_IsTheRepositorysOwn()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")), File.ReadAllText(Path.Combine(Output, "host.json")));
    }
}
