using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static FunctionsWorker.Schema.JobRecordColumns;

namespace FunctionsWorker.Cli;

/// <summary>
/// <c>fwjobs jobs get|list|cancel</c>: job records from the worker's HTTP API (<c>GET /api/jobs/{id}</c>,
/// <c>GET /api/jobs</c>, <c>DELETE /api/jobs/{id}</c>).
/// </summary>
internal static partial class JobsCommand
{
    public const string States = "Running, Succeeded, Retrying, Released, Poisoned, Cancelled";

    public static Command Create() => new("jobs", "Job records, from the worker's HTTP API.") { Get(), List(), Cancel() };

    private static Command Get()
    {
        var worker = new WorkerOptions();
        var id = new Argument<string>("id") { Description = "Job id." };
        var get = new Command("get", "Print a job's record (GET /api/jobs/{id}) as JSON.") { id };
        worker.AddTo(get);
        CommandRunner.SetAction(get, null, async (parse, _, cancellationToken) =>
        {
            var jobId = JobIds.Validate(parse.GetValue(id)!);
            var record = await worker.Resolve(parse).GetAsync($"jobs/{jobId}", $"job {jobId} not found.", cancellationToken);
            Reporter.Result(record);
            return ExitCodes.Succeeded;
        });
        return get;
    }

    private static Command List()
    {
        var worker = new WorkerOptions();
        var state = new Option<string?>("--state") { Description = $"Only jobs in this state: {States}." };
        var pipeline = new Option<string?>("--pipeline") { Description = "Only jobs of this pipeline." };
        var since = new Option<string?>("--since") { Description = "Only jobs started since then: a UTC time (2026-01-31T08:00:00Z) or an age (30s, 15m, 2h, 1d)." };
        var top = new Option<int?>("--top") { Description = "Records per page, 1-500 [default: the worker's, 50]." };
        var all = new Option<bool>("--all") { Description = "Follow the continuation and list every page." };
        var continuation = new Option<string?>("--continuation") { Description = "Start at this page (the token a previous page gave)." };
        var json = new Option<bool>("--json") { Description = "Print {jobs, continuation} as JSON (with --all, every page's jobs in one list)." };
        var list = new Command("list", "List job records, newest first (GET /api/jobs): a table, or JSON with --json.")
        {
            state, pipeline, since, top, all, continuation, json,
        };
        worker.AddTo(list);
        CommandRunner.SetAction(list, json, async (parse, reporter, cancellationToken) =>
        {
            var query = new List<string>();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    query.Add($"{name}={Uri.EscapeDataString(value)}");
                }
            }

            Add("state", parse.GetValue(state));
            Add("pipeline", parse.GetValue(pipeline));
            Add("since", parse.GetValue(since) is { } sinceText ? Since(sinceText, DateTimeOffset.UtcNow).ToString("o", CultureInfo.InvariantCulture) : null);
            if (parse.GetValue(top) is { } count)
            {
                Add("top", count is >= 1 and <= 500 ? count.ToString(CultureInfo.InvariantCulture) : throw CliException.BadInput("--top must be between 1 and 500."));
            }

            var client = worker.Resolve(parse);
            var jobs = new JsonArray();
            var next = parse.GetValue(continuation);
            do
            {
                List<string> pageQuery = next is null ? query : [.. query, $"continuation={Uri.EscapeDataString(next)}"];
                var page = await client.GetAsync(pageQuery.Count == 0 ? "jobs" : "jobs?" + string.Join('&', pageQuery), "the worker has no job list at --url.", cancellationToken);
                foreach (var job in page["jobs"] as JsonArray ?? [])
                {
                    jobs.Add(job?.DeepClone());
                }

                next = HumanFormat.Text(page["continuation"]);
            }
            while (next is not null && parse.GetValue(all));

            if (reporter.Json)
            {
                Reporter.Result(new JsonObject { ["jobs"] = jobs, ["continuation"] = next });
                return ExitCodes.Succeeded;
            }

            Console.Out.Write(Table(jobs));
            if (next is not null)
            {
                // stderr: the table on stdout stays only rows, whatever follows it.
                reporter.Event($"more jobs: --continuation {next} for the next page, or --all", new JsonObject { ["continuation"] = next });
            }

            return ExitCodes.Succeeded;
        });
        return list;
    }

    private static Command Cancel()
    {
        var worker = new WorkerOptions();
        var id = new Argument<string>("id") { Description = "Job id." };
        var json = new Option<bool>("--json") { Description = "Print the worker's answer {jobId, state, cancelRequested, detail} as JSON." };
        var cancel = new Command("cancel",
            "Cancel a job (DELETE /api/jobs/{id}): a running job stops at its next check, a queued one is acknowledged without running. Needs the function key.")
        {
            id, json,
        };
        worker.AddTo(cancel);
        CommandRunner.SetAction(cancel, json, async (parse, reporter, cancellationToken) =>
        {
            var jobId = JobIds.Validate(parse.GetValue(id)!);
            var answer = await worker.Resolve(parse).SendAsync(HttpMethod.Delete, $"jobs/{jobId}", $"job {jobId} not found (no record and not waiting in the queue).", cancellationToken)
                ?? new JsonObject { ["jobId"] = jobId };
            if (reporter.Json)
            {
                Reporter.Result(answer);
            }
            else
            {
                Reporter.Result($"job {jobId}: cancellation requested (state {HumanFormat.Text(answer["state"]) ?? "unknown"}). {HumanFormat.Text(answer["detail"])}".TrimEnd());
            }

            return ExitCodes.Succeeded;
        });
        return cancel;
    }

    /// <summary>The table <c>jobs list</c> prints: one row per record.</summary>
    public static string Table(JsonArray jobs)
    {
        var table = new TextTable("JOB", "PIPELINE", "STATE", "ATTEMPT", "STARTED", "DURATION", "DETAIL");
        foreach (var job in jobs)
        {
            var stateText = HumanFormat.Text(job?[JsonName(State)]);
            var detail = stateText switch
            {
                "Running" when job?[JsonName(CancelRequested)]?.GetValue<bool>() == true => "cancellation requested",
                "Running" => HumanFormat.Progress(
                    HumanFormat.Text(job?[JsonName(ProgressStage)]),
                    job?[JsonName(ProgressFraction)] is JsonValue fraction && fraction.TryGetValue(out double done) ? done : null,
                    HumanFormat.Text(job?[JsonName(ProgressMessage)])),
                _ => HumanFormat.Error(job?[JsonName(ErrorType)], job?[JsonName(ErrorMessage)]),
            };
            table.Add(
                HumanFormat.Text(job?[JsonName(JobId)]),
                HumanFormat.Text(job?[JsonName(Pipeline)]),
                stateText,
                HumanFormat.Text(job?[JsonName(Attempt)]),
                HumanFormat.Time(job?[JsonName(StartedAt)]),
                HumanFormat.Milliseconds(job?[JsonName(DurationMs)]),
                detail);
        }

        return table.Count == 0 ? "no jobs.\n" : table.ToString();
    }

    /// <summary><c>--since</c>: an ISO 8601 time (UTC unless it says otherwise) or an age such as <c>15m</c> before <paramref name="now"/>.</summary>
    public static DateTimeOffset Since(string text, DateTimeOffset now)
    {
        if (Age().Match(text.Trim()) is { Success: true } age)
        {
            var amount = double.Parse(age.Groups["amount"].Value, CultureInfo.InvariantCulture);
            return now - age.Groups["unit"].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw CliException.BadInput($"--since '{text}' must be a time (2026-01-31T08:00:00Z) or an age (30s, 15m, 2h, 1d).");
    }

    [GeneratedRegex(@"^(?<amount>\d+(\.\d+)?)(?<unit>[smhd])$")]
    private static partial Regex Age();
}
