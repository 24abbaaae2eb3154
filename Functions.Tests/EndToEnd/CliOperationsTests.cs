using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// fwjobs' operator commands (jobs list and cancel, poison list/replay/delete, workers, status' fleet line) as their
/// own process against a real worker on Azurite; the worker runs as Development, where changes need no key, unless a
/// test says otherwise.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CliOperationsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task JobsList_TableNewestFirst_PagesWithContinuation_AllFollowsIt_WorkersAndStatusShowTheFleet()
    {
        await using var worker = await TestWorker.StartAsync(azurite, Fast());
        var url = worker.Http.BaseAddress!.ToString();
        await worker.Queue.UploadAsync("inputs", "list.png", TestImages.Png(20, 20));
        for (var i = 0; i < 3; i++)
        {
            await worker.Queue.SendAsync(JobQueue.Job($"cli-list-{i}", "thumbnail", "list.png"));
            await worker.Queue.WaitForStateAsync($"cli-list-{i}", TimeSpan.FromSeconds(30), "Succeeded");
        }

        await Eventually.HoldsAsync(async () => (await CliProcess.RunAsync(null, "workers", "--url", url)).StdOut.Contains("ready", StringComparison.Ordinal));

        var page = await CliProcess.RunAsync(null, "jobs", "list", "--state", "Succeeded", "--pipeline", "thumbnail", "--top", "2", "--url", url);
        var all = await CliProcess.RunAsync(null, "jobs", "list", "--top", "2", "--all", "--since", "1h", "--json", "--url", url);
        var none = await CliProcess.RunAsync(null, "jobs", "list", "--state", "Poisoned", "--url", url);
        var badState = await CliProcess.RunAsync(null, "jobs", "list", "--state", "Sleeping", "--url", url);
        var workers = await CliProcess.RunAsync(null, "workers", "--url", url);
        var workersJson = await CliProcess.RunAsync(null, "workers", "--json", "--url", url);
        var status = await CliProcess.RunAsync(null, "status", "--url", url);

        Assert.True(page.ExitCode == 0, page.ToString());
        var lines = page.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("JOB", lines[0], StringComparison.Ordinal);
        Assert.Equal(["cli-list-2", "cli-list-1"], lines.Skip(1).Select(line => line.Split(' ')[0]));
        Assert.Contains("Succeeded", lines[1], StringComparison.Ordinal);
        Assert.Contains("--continuation", page.StdErr, StringComparison.Ordinal);

        Assert.True(all.ExitCode == 0, all.ToString());
        var listed = JsonNode.Parse(all.StdOut)!;
        Assert.Equal(["cli-list-2", "cli-list-1", "cli-list-0"], listed["jobs"]!.AsArray().Select(job => job!["jobId"]!.GetValue<string>()));
        Assert.Null(listed["continuation"]);

        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Equal("no jobs.", none.StdOut.Trim());
        Assert.True(badState.ExitCode == 1, badState.ToString());
        Assert.Contains("state must be one of", badState.StdErr, StringComparison.Ordinal);

        Assert.True(workers.ExitCode == 0, workers.ToString());
        var row = workers.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Contains("ready", row, StringComparison.Ordinal);
        Assert.Contains("Cpu", row, StringComparison.Ordinal);
        Assert.DoesNotContain("stale", row, StringComparison.Ordinal);
        Assert.True(workersJson.ExitCode == 0, workersJson.ToString());
        Assert.Equal("ready", JsonNode.Parse(workersJson.StdOut)!.AsArray().Single()!["state"]!.GetValue<string>());
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("fleet: 1 ready, 0 stale, 1 total", status.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobsCancel_RunningDelayJob_SubmitReportsProgressThenCancelled_ExitsFive_FinishedAndUnknownJobsExitOne()
    {
        await using var worker = await TestWorker.StartAsync(azurite, Fast());
        var url = worker.Http.BaseAddress!.ToString();
        using var temp = new TempDirectory();
        await File.WriteAllBytesAsync(temp.File("a.png"), TestImages.Png(10, 10));
        await worker.Queue.UploadAsync("inputs", "done.png", TestImages.Png(10, 10));
        await worker.Queue.SendAsync(JobQueue.Job("cli-done", "thumbnail", "done.png"));
        await worker.Queue.WaitForStateAsync("cli-done", TimeSpan.FromSeconds(30), "Succeeded");

        var submit = CliProcess.RunAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString },
        [
            "submit", "--pipeline", "delay", "--file", temp.File("a.png"), "--param", "ms=60000", "--job-id", "cli-cancel-1", "--wait", "60",
            "--queue", worker.Queue.Queue.Name, "--table", worker.Queue.Table.Name,
        ]);
        await Eventually.HoldsAsync(async () => (await worker.Queue.GetRecordAsync("cli-cancel-1"))?.GetString("ProgressStage") == "waiting");

        var cancel = await CliProcess.RunAsync(null, "jobs", "cancel", "cli-cancel-1", "--url", url);
        var submitted = await submit;
        var again = await CliProcess.RunAsync(null, "jobs", "cancel", "cli-cancel-1", "--json", "--url", url);
        var finished = await CliProcess.RunAsync(null, "jobs", "cancel", "cli-done", "--url", url);
        var unknown = await CliProcess.RunAsync(null, "jobs", "cancel", "cli-never-sent", "--url", url);

        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.StartsWith("job cli-cancel-1: cancellation requested (state Running)", cancel.StdOut, StringComparison.Ordinal);
        Assert.True(submitted.ExitCode == 5, submitted.ToString());
        Assert.Equal("", submitted.StdOut);
        Assert.Contains("job cli-cancel-1: running (attempt 1", submitted.StdErr, StringComparison.Ordinal);
        Assert.Contains(", waiting ", submitted.StdErr, StringComparison.Ordinal);
        Assert.Contains("job cli-cancel-1: cancelled during attempt 1", submitted.StdErr, StringComparison.Ordinal);
        Assert.Equal("Cancelled", (await worker.Queue.GetRecordAsync("cli-cancel-1"))!.GetString("State"));

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("Cancelled", JsonNode.Parse(again.StdOut)!["state"]!.GetValue<string>());
        Assert.True(finished.ExitCode == 1, finished.ToString());
        Assert.Equal("fwjobs: the worker refused the request (409): Job 'cli-done' already finished (Succeeded); there is nothing to cancel.", finished.StdErr.Trim());
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("job cli-never-sent not found", unknown.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poison_ListShowsReason_ReplayOneJob_DeleteRemoves_UnknownMessageExitsOne()
    {
        await using var worker = await TestWorker.StartAsync(azurite, Fast());
        var url = worker.Http.BaseAddress!.ToString();
        await worker.Queue.SendRawAsync(JobQueue.Base64("""{"jobId":"cli-poison-2","pipeline":"thumbnail","input":{"container":"inputs","blob":"missing.png"}}"""));
        await worker.Queue.WaitForStateAsync("cli-poison-2", TimeSpan.FromSeconds(30), "Poisoned");
        await worker.Queue.WaitForPoisonAsync(1);

        var list = await CliProcess.RunAsync(null, "poison", "list", "--url", url);
        var replay = await CliProcess.RunAsync(null, "poison", "replay", "--job", "cli-poison-2", "--url", url);
        await Eventually.HoldsAsync(async () => (await worker.Queue.GetRecordAsync("cli-poison-2"))?.GetInt32("Replays") == 1 &&
            (await worker.Queue.GetRecordAsync("cli-poison-2"))?.GetString("State") == "Poisoned" && (await worker.Queue.PeekPoisonAsync()).Count == 1);
        var listJson = await CliProcess.RunAsync(null, "poison", "list", "--json", "--url", url);
        var messageId = JsonNode.Parse(listJson.StdOut)!.AsArray().Single()!["messageId"]!.GetValue<string>();
        var replayUnknown = await CliProcess.RunAsync(null, "poison", "replay", "--message", "no-such-message", "--url", url);
        var both = await CliProcess.RunAsync(null, "poison", "replay", "--job", "a", "--message", "b", "--url", url);
        var delete = await CliProcess.RunAsync(null, "poison", "delete", messageId, "--url", url);
        var deleteAgain = await CliProcess.RunAsync(null, "poison", "delete", messageId, "--url", url);
        var empty = await CliProcess.RunAsync(null, "poison", "list", "--url", url);

        Assert.True(list.ExitCode == 0, list.ToString());
        var row = list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Contains("cli-poison-2", row, StringComparison.Ordinal);
        Assert.Contains("blob-not-found", row, StringComparison.Ordinal);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.StartsWith("replayed 1 message(s): ", replay.StdOut, StringComparison.Ordinal);
        Assert.True(listJson.ExitCode == 0, listJson.ToString());
        Assert.True(replayUnknown.ExitCode == 1, replayUnknown.ToString());
        Assert.Contains("no poisoned message for message no-such-message", replayUnknown.StdErr, StringComparison.Ordinal);
        Assert.True(both.ExitCode == 1, both.ToString());
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Equal($"deleted poison message {messageId}.", delete.StdOut.Trim());
        Assert.Empty(await worker.Queue.PeekPoisonAsync());
        Assert.True(deleteAgain.ExitCode == 1, deleteAgain.ToString());
        Assert.Contains("not found in the poison queue", deleteAgain.StdErr, StringComparison.Ordinal);
        Assert.Equal("the poison queue is empty.", empty.StdOut.Trim());
    }

    [Fact]
    public async Task ProductionWorkerWithoutAKey_RefusesEveryCall_OneLineNamingFunctionKey_ExitsOne()
    {
        await using var worker = await TestWorker.StartAsync(azurite, Fast(), environment: "Production");
        var url = worker.Http.BaseAddress!.ToString();

        var cancel = await CliProcess.RunAsync(null, "jobs", "cancel", "cli-any", "--url", url);
        var replay = await CliProcess.RunAsync(null, "poison", "replay", "--url", url, "--json");
        var list = await CliProcess.RunAsync(null, "poison", "list", "--url", url);

        Assert.True(cancel.ExitCode == 1, cancel.ToString());
        var line = Assert.Single(cancel.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("fwjobs: the worker refused the request (401):", line, StringComparison.Ordinal);
        Assert.Contains("FunctionKey", line, StringComparison.Ordinal);
        Assert.Contains("azure-webjobs-secrets", line, StringComparison.Ordinal);
        Assert.Equal("", cancel.StdOut);
        Assert.True(replay.ExitCode == 1, replay.ToString());
        var error = JsonNode.Parse(replay.StdErr)!;
        Assert.Contains("FunctionKey", error["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, error["exitCode"]!.GetValue<int>());
        Assert.True(list.ExitCode == 1, list.ToString());
    }

    [Fact]
    public async Task Workers_NoWorker_ExitsThree()
    {
        var workers = await CliProcess.RunAsync(null, "workers", "--url", $"http://127.0.0.1:{WorkerProcess.FreePort()}");

        Assert.True(workers.ExitCode == 3, workers.ToString());
        Assert.Contains("unreachable", workers.StdErr, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Fast() => new()
    {
        ["Pipelines:Delay:Enabled"] = "true",
        ["AzureFunctionsJobHost:worker:heartbeatInterval"] = "00:00:01",
        ["AzureFunctionsJobHost:worker:leaseDuration"] = "00:00:02",
    };
}
