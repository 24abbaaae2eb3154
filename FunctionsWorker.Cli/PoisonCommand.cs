using System.CommandLine;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Cli;

/// <summary>
/// <c>fwjobs poison list|replay|delete</c>: the poison queue through the worker (<c>GET /api/poison</c>,
/// <c>POST /api/poison/replay</c>, <c>DELETE /api/poison/{messageId}</c>).
/// </summary>
internal static class PoisonCommand
{
    public static Command Create() => new("poison", "The poison queue, through the worker's HTTP API: list with reasons, replay, delete.") { List(), Replay(), Delete() };

    private static Command List()
    {
        var worker = new WorkerOptions();
        var json = new Option<bool>("--json") { Description = "Print the messages as JSON, with their text." };
        var list = new Command("list", "List poisoned messages with their job and reason (GET /api/poison): a table, or JSON with --json.") { json };
        worker.AddTo(list);
        CommandRunner.SetAction(list, json, async (parse, reporter, cancellationToken) =>
        {
            var messages = await worker.Resolve(parse).GetAsync("poison", "the worker has no poison endpoint at --url.", cancellationToken);
            if (reporter.Json)
            {
                Reporter.Result(messages);
            }
            else
            {
                Console.Out.Write(Table(messages as JsonArray ?? []));
            }

            return ExitCodes.Succeeded;
        });
        return list;
    }

    private static Command Replay()
    {
        var worker = new WorkerOptions();
        var job = new Option<string?>("--job") { Description = "Replay only this job's poisoned messages." };
        var message = new Option<string?>("--message") { Description = "Replay only this poison message (its id, from poison list)." };
        var json = new Option<bool>("--json") { Description = "Print the worker's answer {replayed, messageIds} as JSON." };
        var replay = new Command("replay",
            "Send poisoned messages back to the jobs queue unchanged (POST /api/poison/replay): all, one job's (--job) or one (--message). Needs the function key.")
        {
            job, message, json,
        };
        worker.AddTo(replay);
        CommandRunner.SetAction(replay, json, async (parse, reporter, cancellationToken) =>
        {
            var jobId = parse.GetValue(job);
            var messageId = parse.GetValue(message);
            var (query, what) = (jobId, messageId) switch
            {
                (not null, not null) => throw CliException.BadInput("pass --job or --message, not both."),
                (not null, null) => ($"?jobId={Uri.EscapeDataString(JobIds.Validate(jobId))}", $"job {jobId}"),
                (null, not null) => ($"?messageId={Uri.EscapeDataString(messageId)}", $"message {messageId}"),
                _ => ("", null),
            };
            var answer = await worker.Resolve(parse).SendAsync(HttpMethod.Post, "poison/replay" + query, "the worker has no poison endpoint at --url.", cancellationToken)
                ?? new JsonObject();
            var ids = (answer["messageIds"] as JsonArray ?? []).Select(HumanFormat.Text).ToList();
            var failed = (answer["failed"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (ids.Count == 0 && failed.Count == 0 && what is not null)
            {
                // Asked for one job or message and none was there: as a 404 would be.
                throw CliException.BadInput($"no poisoned message for {what} (not found).");
            }

            if (reporter.Json)
            {
                Reporter.Result(answer);
            }
            else
            {
                Reporter.Result(ids.Count == 0 && failed.Count == 0 ? "nothing to replay." : $"replayed {ids.Count} message(s): {string.Join(", ", ids)}");
            }

            // A partial failure: what was done is on stdout, each message left behind (and how) on stderr.
            foreach (var failure in failed)
            {
                reporter.Error($"message {HumanFormat.Text(failure["messageId"])} not replayed: {HumanFormat.Text(failure["error"])}", ExitCodes.Unreachable);
            }

            if (answer["stopped"] is { } stopped)
            {
                reporter.Error($"replay stopped early: {HumanFormat.Text(stopped)}", ExitCodes.Unreachable);
            }

            return failed.Count > 0 || answer["stopped"] is not null ? ExitCodes.Unreachable : ExitCodes.Succeeded;
        });
        return replay;
    }

    private static Command Delete()
    {
        var worker = new WorkerOptions();
        var id = new Argument<string>("messageId") { Description = "Poison message id (from poison list)." };
        var delete = new Command("delete", "Delete a message from the poison queue for good (DELETE /api/poison/{messageId}). Needs the function key.") { id };
        worker.AddTo(delete);
        CommandRunner.SetAction(delete, null, async (parse, _, cancellationToken) =>
        {
            var messageId = parse.GetValue(id)!;
            await worker.Resolve(parse).SendAsync(
                HttpMethod.Delete, $"poison/{Uri.EscapeDataString(messageId)}", $"message {messageId} not found in the poison queue.", cancellationToken);
            Reporter.Result($"deleted poison message {messageId}.");
            return ExitCodes.Succeeded;
        });
        return delete;
    }

    /// <summary>The table <c>poison list</c> prints: one row per message, its text left to <c>--json</c>.</summary>
    public static string Table(JsonArray messages)
    {
        var table = new TextTable("MESSAGE", "INSERTED", "JOB", "STATE", "REPLAYS", "REASON");
        foreach (var message in messages)
        {
            table.Add(
                HumanFormat.Text(message?["messageId"]),
                HumanFormat.Time(message?["insertedOn"]),
                HumanFormat.Text(message?["jobId"]),
                HumanFormat.Text(message?["state"]),
                HumanFormat.Text(message?["replays"]),
                HumanFormat.Error(message?["errorType"], message?["errorMessage"]));
        }

        return table.Count == 0 ? "the poison queue is empty.\n" : table.ToString();
    }
}
