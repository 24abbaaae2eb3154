using System.Reflection;
using FunctionsWorker.Configuration;
using FunctionsWorker.Health;
using FunctionsWorker.Triggers.Queue;

namespace Functions.Tests.Unit;

public sealed class HostJsonKeyCheckerTests
{
    [Theory]
    [InlineData("worker:leaseDurtion", "worker.leaseDurtion", "worker.leaseDuration")]
    [InlineData("functionTimout", "functionTimout", "functionTimeout")]
    [InlineData("extensions:queues:batchSzie", "extensions.queues.batchSzie", "extensions.queues.batchSize")]
    [InlineData("worker:warmup:retryMinumum", "worker.warmup.retryMinumum", "worker.warmup.retryMinimum")]
    [InlineData("extensions:http:routePrefx", "extensions.http.routePrefx", "extensions.http.routePrefix")]
    [InlineData("workr:leaseDuration", "workr", "worker")]
    [InlineData("worker:batchSize", "worker.batchSize", "extensions.queues.batchSize")]
    [InlineData("logging:logLevl:default", "logging.logLevl", "logging.logLevel")]
    public void Typo_IsReported_WithTheClosestKnownSetting(string key, string reported, string suggestion)
    {
        var unknown = Assert.Single(HostJsonKeyChecker.Check([key]));
        Assert.Equal(new UnknownHostSetting(reported, suggestion), unknown);
    }

    [Fact]
    public void KnownKeys_InAnyCase_AndOpenSections_AreAccepted()
    {
        Assert.Empty(HostJsonKeyChecker.Check(
        [
            "version", "FUNCTIONTIMEOUT", "worker:LeaseDuration", "worker:warmup:retryMaximum", "extensions:queues:messageEncoding",
            "logging:logLevel:Microsoft.AspNetCore", "logging:applicationInsights:samplingSettings:isEnabled",
            "extensions:serviceBus:prefetchCount", "extensions:http:customHeaders:X-Frame-Options", "watchDirectories:0",
            "extensionBundle:id", "concurrency:dynamicConcurrencyEnabled",
        ]));
    }

    [Fact]
    public void UnknownKeys_AreReportedOnce_AtTheFirstUnknownSection_AndFarOnesGetNoSuggestion()
    {
        var unknown = HostJsonKeyChecker.Check(["mySettings:a", "mySettings:b", "worker:LEASEDURTION", "worker:leaseDurtion"]);
        Assert.Equal([new UnknownHostSetting("mySettings", null), new UnknownHostSetting("worker.LEASEDURTION", "worker.leaseDuration")], unknown);
    }

    [Theory]
    [InlineData(typeof(WorkerOptions), "worker.")]
    [InlineData(typeof(WarmupOptions), "worker.warmup.")]
    [InlineData(typeof(QueuesOptions), "extensions.queues.")]
    public void Schema_KnowsEverySettingTheOptionsBind(Type options, string prefix)
    {
        foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            // functionTimeout sits at the top of host.json, as in Functions.
            var key = property.Name == nameof(WorkerOptions.FunctionTimeout) ? "functionTimeout" : prefix + char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            Assert.Contains(key, HostJsonSchema.Known);
        }
    }

    [Theory]
    [InlineData("leaseDuration", "leaseDuration", 0)]
    [InlineData("leaseDurtion", "leaseDuration", 1)]
    [InlineData("batchSzie", "batchSize", 1)]
    [InlineData("BATCHSIZE", "batchSize", 0)]
    [InlineData("", "abc", 3)]
    public void Distance_IgnoresCase_AndCountsASwapAsOneEdit(string a, string b, int expected) =>
        Assert.Equal(expected, HostJsonKeyChecker.Distance(a, b));
}
