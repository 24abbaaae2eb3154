using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>fwjobs as a user runs it (its own process) against a real worker and a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CliTests(AzuriteFixture azurite)
{
    private Dictionary<string, string?> Environment => new() { ["AzureWebJobsStorage"] = azurite.ConnectionString };

    private static string[] Names(TestWorker worker) => ["--queue", worker.Queue.Queue.Name, "--table", worker.Queue.Table.Name];

    [Fact]
    public async Task Submit_Thumbnail_ReportsStatesOnStderr_PrintsOnlyResultJsonOnStdout_AndDownloadFetchesOutputs()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        // Containers of the CLI's choosing, which the operator has allowed.
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Storage:AllowedInputContainers"] = "in" + suffix,
            ["Storage:AllowedOutputContainers"] = "out" + suffix,
        });
        using var temp = new TempDirectory();
        await File.WriteAllBytesAsync(temp.File("cat.png"), TestImages.Png(200, 100));

        var submit = await CliProcess.RunAsync(Environment,
        [
            "submit", "--pipeline", "thumbnail", "--file", temp.File("cat.png"), "--param", "maxSide=50", "--job-id", "cli-thumb-1",
            "--input-container", "in" + suffix, "--output-container", "out" + suffix, .. Names(worker),
        ]);

        Assert.True(submit.ExitCode == 0, submit.ToString());
        var result = JsonNode.Parse(submit.StdOut)!;
        Assert.Equal("cli-thumb-1", result["jobId"]!.GetValue<string>());
        Assert.Equal(50, result["result"]!["width"]!.GetValue<int>());
        Assert.Contains("job cli-thumb-1: queued on " + worker.Queue.Queue.Name, submit.StdErr, StringComparison.Ordinal);
        Assert.Contains("job cli-thumb-1: succeeded", submit.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", submit.StdErr, StringComparison.Ordinal);

        var download = await CliProcess.RunAsync(Environment,
            "download", "--job", "cli-thumb-1", "--output-container", "out" + suffix, "--out", temp.File("out"));

        Assert.True(download.ExitCode == 0, download.ToString());
        Assert.True(File.Exists(temp.File("out/result.json")), download.ToString());
        Assert.True(new FileInfo(temp.File("out/thumbnail.png")).Length > 0);
        Assert.Contains(temp.File("out/thumbnail.png"), download.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_NotAnImage_ReportsPoisonedWithErrorType_ExitsTwo_JsonLinesOnStderr()
    {
        await using var worker = await TestWorker.StartAsync(azurite);
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("text.png"), "not a picture");

        var submit = await CliProcess.RunAsync(Environment,
            ["submit", "--pipeline", "thumbnail", "--file", temp.File("text.png"), "--job-id", "cli-poison-1", "--json", .. Names(worker)]);

        Assert.True(submit.ExitCode == 2, submit.ToString());
        Assert.Equal("", submit.StdOut);
        var events = submit.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Equal("Queued", events[0]["state"]!.GetValue<string>());
        var last = events[^1];
        Assert.Equal("Poisoned", last["state"]!.GetValue<string>());
        Assert.Equal("not-an-image", last["errorType"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(last["errorMessage"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Submit_NoWorker_TimesOut_ExitsFour()
    {
        using var temp = new TempDirectory();
        await File.WriteAllBytesAsync(temp.File("a.png"), TestImages.Png(10, 10));
        var queue = "cli-idle-" + Guid.NewGuid().ToString("N")[..8];

        var submit = await CliProcess.RunAsync(Environment, "submit", "--pipeline", "thumbnail", "--file", temp.File("a.png"), "--queue", queue, "--wait", "1");

        Assert.True(submit.ExitCode == 4, submit.ToString());
        Assert.Contains("no outcome after 1 s (last state: Queued)", submit.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_WaitZero_PrintsTheJobId()
    {
        using var temp = new TempDirectory();
        await File.WriteAllBytesAsync(temp.File("a.png"), TestImages.Png(10, 10));
        var queue = "cli-nowait-" + Guid.NewGuid().ToString("N")[..8];

        var submit = await CliProcess.RunAsync(Environment,
            "submit", "--pipeline", "thumbnail", "--file", temp.File("a.png"), "--queue", queue, "--job-id", "cli-nowait-1", "--wait", "0");

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Equal("cli-nowait-1", submit.StdOut.Trim());
        var jobs = new JobQueue(azurite.ConnectionString, queue, "unused");
        Assert.Equal(1, await jobs.VisibleCountAsync());
    }

    [Theory]
    [InlineData("missing-file")]
    [InlineData("bad-param")]
    [InlineData("bad-job-id")]
    public async Task Submit_BadInput_OneLineError_ExitsOne(string kind)
    {
        using var temp = new TempDirectory();
        await File.WriteAllBytesAsync(temp.File("a.png"), TestImages.Png(10, 10));
        string[] args = kind switch
        {
            "missing-file" => ["submit", "--pipeline", "thumbnail", "--file", temp.File("nope.png")],
            "bad-param" => ["submit", "--pipeline", "thumbnail", "--file", temp.File("a.png"), "--param", "maxSide"],
            _ => ["submit", "--pipeline", "thumbnail", "--file", temp.File("a.png"), "--job-id", "../x"],
        };

        var submit = await CliProcess.RunAsync(Environment, args);

        Assert.True(submit.ExitCode == 1, submit.ToString());
        Assert.Single(submit.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(" at ", submit.StdErr, StringComparison.Ordinal);
        Assert.Equal("", submit.StdOut);
    }

    [Fact]
    public async Task Submit_UnreachableStorage_OneLineError_ExitsThree_WithoutTheKey()
    {
        using var temp = new TempDirectory();
        await File.WriteAllBytesAsync(temp.File("a.png"), TestImages.Png(10, 10));
        var port = WorkerProcess.FreePort();
        var connection = azurite.ConnectionString
            .Replace($":{azurite.BlobPort}/", $":{port}/", StringComparison.Ordinal)
            .Replace($":{azurite.QueuePort}/", $":{port}/", StringComparison.Ordinal)
            .Replace($":{azurite.TablePort}/", $":{port}/", StringComparison.Ordinal);

        var submit = await CliProcess.RunAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connection },
            "submit", "--pipeline", "thumbnail", "--file", temp.File("a.png"));

        Assert.True(submit.ExitCode == 3, submit.ToString());
        Assert.StartsWith("fwjobs: storage unreachable:", submit.StdErr, StringComparison.Ordinal);
        Assert.Single(submit.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("AccountKey", submit.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusAndJobsGet_CallTheWorkersHttpTriggers_WithTheFunctionKey()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["FunctionKey"] = "cli-s3cret" });
        var url = worker.Http.BaseAddress!.ToString();
        await worker.Queue.UploadAsync("inputs", "status.png", TestImages.Png(20, 20));
        await worker.Queue.SendAsync(JobQueue.Job("cli-status-1", "thumbnail", "status.png"));
        await worker.Queue.WaitForStateAsync("cli-status-1", TimeSpan.FromSeconds(60), "Succeeded");

        var refused = await CliProcess.RunAsync(null, "status", "--url", url);
        var status = await CliProcess.RunAsync(new Dictionary<string, string?> { ["FunctionKey"] = "cli-s3cret" }, "status", "--url", url);
        var raw = await CliProcess.RunAsync(null, "status", "--url", url, "--key", "cli-s3cret", "--json");
        var job = await CliProcess.RunAsync(null, "jobs", "get", "cli-status-1", "--url", url, "--key", "cli-s3cret");
        var unknown = await CliProcess.RunAsync(null, "jobs", "get", "cli-nope", "--url", url, "--key", "cli-s3cret");

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("--key", refused.StdErr, StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("queue " + worker.Queue.Queue.Name, status.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-s3cret", status.StdOut + status.StdErr, StringComparison.Ordinal);
        Assert.True(raw.ExitCode == 0, raw.ToString());
        Assert.Equal(worker.Queue.Queue.Name, JsonNode.Parse(raw.StdOut)!["queue"]!["name"]!.GetValue<string>());
        Assert.True(job.ExitCode == 0, job.ToString());
        Assert.Equal("Succeeded", JsonNode.Parse(job.StdOut)!["state"]!.GetValue<string>());
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("cli-nope not found", unknown.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NoWorker_ExitsThree()
    {
        var status = await CliProcess.RunAsync(null, "status", "--url", $"http://127.0.0.1:{WorkerProcess.FreePort()}");

        Assert.True(status.ExitCode == 3, status.ToString());
        Assert.Contains("unreachable", status.StdErr, StringComparison.Ordinal);
    }
}
