using FunctionsWorker.Errors;
using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;


namespace Functions.Tests.Unit;

public sealed class JobMessageParserTests
{
    private static readonly JobRules Pipelines = new(
        new HashSet<string> { "thumbnail", "ocr" },
        new HashSet<string> { "inputs" },
        new HashSet<string> { "outputs", "results" },
        new HashSet<string> { "jobs", "jobs-poison" },
        new HashSet<string> { "done", "results" });

    [Fact]
    public void Parse_FullMessage_ReadsEveryField()
    {
        var job = JobMessageParser.Parse("""
            { "jobId": "7c1e2d7e-a", "pipeline": "ocr", "input": { "container": "inputs", "blob": "scans/page-1.png" },
              "output": { "container": "results", "prefix": "x/7c1e2d7e-a/" }, "parameters": { "maxSide": 640 }, "replyTo": "done" }
            """, Pipelines);
        Assert.Equal("7c1e2d7e-a", job.JobId);
        Assert.Equal(new BlobReference("inputs", "scans/page-1.png"), job.Input);
        Assert.Equal(("results", "x/7c1e2d7e-a/"), (job.OutputContainer, job.OutputPrefix));
        Assert.Equal(640, job.Parameters!["maxSide"]!.GetValue<int>());
        Assert.Equal("done", job.ReplyTo);
    }

    [Fact]
    public void Parse_WithoutOutput_DefaultsToOutputsContainerAndJobIdPrefix()
    {
        var job = JobMessageParser.Parse("""{ "jobId": "j1", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" } }""", Pipelines);
        Assert.Equal(("outputs", "j1/"), (job.OutputContainer, job.OutputPrefix));
        Assert.Null(job.Parameters);
        Assert.Null(job.ReplyTo);
    }

    [Theory]
    [InlineData("not json", "invalid-json")]
    [InlineData("[1,2]", "invalid-json")]
    [InlineData("""{ "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" } }""", "invalid-message")]
    [InlineData("""{ "jobId": "j", "input": { "container": "inputs", "blob": "a.png" } }""", "invalid-message")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr" }""", "invalid-message")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs" } }""", "invalid-message")]
    [InlineData("""{ "jobId": 42, "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" } }""", "invalid-message")]
    [InlineData("""{ "jobId": "has space", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" } }""", "invalid-job-id")]
    [InlineData("""{ "jobId": "j", "pipeline": "warp", "input": { "container": "inputs", "blob": "a.png" } }""", "unknown-pipeline")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a/../../b.png" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "http://x/y.png" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "/etc/passwd" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "Inputs!", "blob": "a.png" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "parameters": [1] }""", "invalid-message")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "replyTo": "Not A Queue" }""", "invalid-message")]
    // Hostile producers: duplicate keys, lone surrogates, a newline after a valid id, folders, empty prefixes, other containers.
    [InlineData("""{ "jobId": "j", "jobId": "k", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" } }""", "invalid-json")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "parameters": { "maxSide": 10, "maxSide": 20 } }""", "invalid-json")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "\ud800.png" } }""", "invalid-json")]
    [InlineData("""{ "jobId": "j\n", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" } }""", "invalid-job-id")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "folder/" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a//b.png" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "output": { "prefix": "" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "models", "blob": "ocr-rec.onnx" } }""", "container-not-allowed")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "output": { "container": "models" } }""", "container-not-allowed")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "replyTo": "jobs" }""", "invalid-message")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "replyTo": "jobs-poison" }""", "invalid-message")]
    // A producer stays in its lane: replies only to allowed queues, outputs only in the job's own folder.
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "replyTo": "someone-elses-queue" }""", "invalid-message")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "output": { "prefix": "other-job/" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "output": { "prefix": "j/other-job/" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "output": { "prefix": "jk/" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "output": { "prefix": "j" } }""", "invalid-blob-name")]
    [InlineData("""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "output": { "prefix": "j/x-" } }""", "invalid-blob-name")]
    public void Parse_Invalid_ThrowsPermanentErrorOfTheRightType(string body, string errorType)
    {
        var error = Assert.Throws<InvalidJobException>(() => JobMessageParser.Parse(body, Pipelines));
        Assert.Equal(errorType, error.ErrorType);
        Assert.Equal(FailureClass.Permanent, error.FailureClass);
    }

    [Theory]
    [InlineData("j/")]
    [InlineData("tenant-a/2026/j/")]
    public void Parse_PrefixIsTheJobsOwnFolder_IsAccepted(string prefix)
    {
        var job = JobMessageParser.Parse(
            $$"""{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "output": { "prefix": "{{prefix}}" } }""", Pipelines);
        Assert.Equal(prefix, job.OutputPrefix);
    }

    [Fact]
    public void Parse_ReplyToOutsideTheAllowList_NamesTheSetting()
    {
        var error = Assert.Throws<InvalidJobException>(() => JobMessageParser.Parse(
            """{ "jobId": "j", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" }, "replyTo": "billing" }""", Pipelines));
        Assert.Equal("replyTo 'billing' is not a queue replies may go to; allowed: done, results (Storage:AllowedReplyQueues).", error.Message);
    }

    [Fact]
    public void Parse_ControlCharactersInEchoedFields_AreEscaped()
    {
        var error = Assert.Throws<InvalidJobException>(() => JobMessageParser.Parse(
            """{ "jobId": "j", "pipeline": "ocr\n2026-01-01 fail: forged line \u001b[2J", "input": { "container": "inputs", "blob": "a.png" } }""", Pipelines));
        Assert.DoesNotContain(error.Message, char.IsControl);
        Assert.Contains("ocr\\u000a2026-01-01 fail: forged line \\u001b[2J", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HugeValue_IsEchoedShortened()
    {
        var pipeline = new string('x', 40_000);
        var error = Assert.Throws<InvalidJobException>(() => JobMessageParser.Parse(
            $$"""{ "jobId": "j", "pipeline": "{{pipeline}}", "input": { "container": "inputs", "blob": "a.png" } }""", Pipelines));
        Assert.InRange(error.Message.Length, 1, 400);
    }

    [Theory]
    [InlineData("""{ "jobId": "keep-me", "pipeline": "nope" }""", "keep-me")]
    [InlineData("""{ "jobId": "bad id" }""", null)]
    [InlineData("{{{", null)]
    public void TryReadJobId_FindsValidJobIdOfAnInvalidMessage(string body, string? expected) =>
        Assert.Equal(expected, JobMessageParser.TryReadJobId(body));

    [Fact]
    public void Parse_ByteOrderMarkBeforeTheJson_IsAccepted()
    {
        var job = JobMessageParser.Parse("\uFEFF" + """{ "jobId": "bom-1", "pipeline": "ocr", "input": { "container": "inputs", "blob": "a.png" } }""", Pipelines);
        Assert.Equal("bom-1", job.JobId);
    }

    [Fact]
    public void Parse_AnyExceptionFromTheProducersInput_IsPermanent_NeverAWorkerFault()
    {
        // Nesting beyond MaxDepth, a duplicate deep inside, a bare byte-order mark: all permanent.
        var deep = new string('[', 100) + new string(']', 100);
        foreach (var body in new[] { deep, """{"a":{"b":1,"b":2}}""", "\uFEFF" })
        {
            var error = Assert.Throws<InvalidJobException>(() => JobMessageParser.Parse(body, Pipelines));
            Assert.Equal(FailureClass.Permanent, error.FailureClass);
        }
    }
}
