using System.Text.Json.Nodes;
using FunctionsWorker.Cli;

namespace Functions.Tests.Unit.Cli;

public sealed class OperatorTablesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("30s", "2026-01-31T07:59:30+00:00")]
    [InlineData("15m", "2026-01-31T07:45:00+00:00")]
    [InlineData("2h", "2026-01-31T06:00:00+00:00")]
    [InlineData("1d", "2026-01-30T08:00:00+00:00")]
    [InlineData("2026-01-01T10:00:00Z", "2026-01-01T10:00:00+00:00")]
    [InlineData("2026-01-01T10:00:00", "2026-01-01T10:00:00+00:00")]
    public void Since_AcceptsAnAgeOrAUtcTime(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), JobsCommand.Since(text, Now));

    [Fact]
    public void Since_Nonsense_IsBadInput() =>
        Assert.Equal(ExitCodes.BadInput, Assert.Throws<CliException>(() => JobsCommand.Since("yesterday-ish", Now)).ExitCode);

    [Fact]
    public void JobsTable_RunningShowsProgress_FailedShowsReason_MissingIsDash()
    {
        var jobs = JsonNode.Parse("""
            [
              {"jobId":"a","pipeline":"ocr","state":"Running","attempt":1,"startedAt":"2026-01-31T07:59:00Z","progressStage":"recognize","progressFraction":0.4,"progressMessage":"3/7 lines"},
              {"jobId":"b","pipeline":"thumbnail","state":"Poisoned","attempt":5,"durationMs":1200,"errorType":"not-an-image","errorMessage":"no decoder"},
              {"jobId":"c","state":"Running","cancelRequested":true}
            ]
            """)!.AsArray();

        var lines = JobsCommand.Table(jobs).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("JOB  PIPELINE   STATE", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("recognize 40% 3/7 lines", lines[1], StringComparison.Ordinal);
        Assert.Contains("2026-01-31 07:59:00Z", lines[1], StringComparison.Ordinal);
        Assert.Contains("1.2s", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("not-an-image: no decoder", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("cancellation requested", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("c    -", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void JobsTable_ControlCharactersInAnErrorMessage_AreShownEscaped_OneRowPerJob()
    {
        var jobs = JsonNode.Parse("""
            [{"jobId":"e","pipeline":"thumbnail","state":"Poisoned","attempt":1,"errorType":"invalid-message","errorMessage":"bad\u001b[2J\u0007 line\nfake row"}]
            """)!.AsArray();

        var table = JobsCommand.Table(jobs);

        var lines = table.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain(table.Replace(Environment.NewLine, string.Empty, StringComparison.Ordinal), char.IsControl);
        Assert.EndsWith("invalid-message: bad\\u001b[2J\\u0007 line fake row", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void WorkersTable_MarksStale_ShowsLoadAndModels()
    {
        var rows = JsonNode.Parse("""
            [{"workerId":"w1","host":"h","version":"1.0","state":"ready","inFlight":2,"concurrency":3,"processed":10,"failed":1,
              "device":"Cuda","lastBeatAt":"2026-01-31T07:59:55Z","models":[{"name":"det","state":"ready"}],"stale":true}]
            """)!.AsArray();

        var row = WorkersCommand.Table(rows, Now).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1];

        Assert.Contains("ready (stale)", row, StringComparison.Ordinal);
        Assert.Contains("2/3", row, StringComparison.Ordinal);
        Assert.Contains("5.0s ago", row, StringComparison.Ordinal);
        Assert.EndsWith("det ready", row, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyLists_Sayso() =>
        Assert.Equal(["no jobs.", "the poison queue is empty.", "no workers have reported."],
            [JobsCommand.Table([]).Trim(), PoisonCommand.Table([]).Trim(), WorkersCommand.Table([], Now).Trim()]);

    [Theory]
    [InlineData("""{"title":"Conflict","detail":"Job 'x' already finished."}""", "Job 'x' already finished.")]
    [InlineData("""{"title":"Conflict"}""", null)]
    [InlineData("<html>bad gateway</html>", null)]
    public void Detail_ReadsProblemDetails(string body, string? expected) => Assert.Equal(expected, WorkerClient.Detail(body));
}
