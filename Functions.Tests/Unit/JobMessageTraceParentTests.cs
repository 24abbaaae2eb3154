using FunctionsWorker.Jobs;

namespace Functions.Tests.Unit;

/// <summary>The optional <c>traceparent</c> of schema v1: exposed when valid, ignored (never a failure) otherwise.</summary>
public sealed class JobMessageTraceParentTests
{
    private const string Valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static readonly JobRules Rules = new(
        new HashSet<string> { "thumbnail" },
        new HashSet<string> { "inputs" },
        new HashSet<string> { "outputs" },
        new HashSet<string> { "jobs", "jobs-poison" },
        new HashSet<string> { "done", "results" });

    private static string Body(string traceParent) =>
        $$"""{ "jobId": "t1", "pipeline": "thumbnail", "input": { "container": "inputs", "blob": "a.png" }, "traceparent": {{traceParent}} }""";

    [Fact]
    public void InvalidJob_StillExposesAValidTraceParent_ForTheJobsSpan() =>
        Assert.Equal(Valid, TraceParentOf($$"""{ "jobId": "t1", "pipeline": "unknown", "traceparent": "{{Valid}}" }"""));

    [Fact]
    public void Valid_IsExposed_AndLeavesTheContentHashAlone()
    {
        var job = JobMessageParser.Parse(Body($"\"{Valid}\""), Rules);
        Assert.Equal(Valid, job.TraceParent);
        Assert.Equal(Valid, TraceParentOf(Body($"\"{Valid}\"")));
        Assert.Equal(JobMessageParser.Parse(Body("null"), Rules).ContentHash(), job.ContentHash());
    }

    [Theory]
    [InlineData("\"00-not-a-trace-01\"")]
    [InlineData("\"\"")]
    [InlineData("42")]
    [InlineData("{ \"a\": 1 }")]
    [InlineData("null")]
    public void Invalid_IsIgnored(string traceParent)
    {
        var job = JobMessageParser.Parse(Body(traceParent), Rules);
        Assert.Null(job.TraceParent);
        Assert.Null(TraceParentOf(Body(traceParent)));
    }

    [Fact]
    public void Absent_IsNull()
    {
        var job = JobMessageParser.Parse("""{ "jobId": "t1", "pipeline": "thumbnail", "input": { "container": "inputs", "blob": "a.png" } }""", Rules);
        Assert.Null(job.TraceParent);
        Assert.Null(TraceParentOf("not json"));
    }

    private static string? TraceParentOf(string body) => JobMessageParser.Read(new JobEnvelope("m1", body, 1, null), Rules).TraceParent;
}
