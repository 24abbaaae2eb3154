using System.CommandLine;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Cli;

/// <summary><c>fwjobs workers</c>: the fleet from the worker's <c>GET /api/workers</c>, as a table or raw with <c>--json</c>.</summary>
internal static class WorkersCommand
{
    public static Command Create()
    {
        var worker = new WorkerOptions();
        var json = new Option<bool>("--json") { Description = "Print the worker rows as JSON." };
        var command = new Command("workers", "List the fleet's workers, newest heartbeat first, silent ones marked stale (GET /api/workers).") { json };
        worker.AddTo(command);
        CommandRunner.SetAction(command, json, async (parse, reporter, cancellationToken) =>
        {
            var rows = await worker.Resolve(parse).GetAsync("workers", "the worker has no workers endpoint at --url.", cancellationToken);
            if (reporter.Json)
            {
                Reporter.Result(rows);
            }
            else
            {
                Console.Out.Write(Table(rows as JsonArray ?? [], DateTimeOffset.UtcNow));
            }

            return ExitCodes.Succeeded;
        });
        return command;
    }

    /// <summary>The table <c>workers</c> prints: one row per worker, <c>STATE</c> saying <c>stale</c> for a silent one.</summary>
    public static string Table(JsonArray rows, DateTimeOffset now)
    {
        var table = new TextTable("WORKER", "HOST", "VERSION", "STATE", "IN FLIGHT", "PROCESSED", "FAILED", "DEVICE", "LAST BEAT", "MODELS");
        foreach (var row in rows)
        {
            var state = HumanFormat.Text(row?["state"]);
            var models = (row?["models"] as JsonArray ?? []).Select(model => $"{HumanFormat.Text(model?["name"])} {HumanFormat.Text(model?["state"])}");
            table.Add(
                HumanFormat.Text(row?["workerId"]),
                HumanFormat.Text(row?["host"]),
                HumanFormat.Text(row?["version"]),
                row?["stale"]?.GetValue<bool>() == true ? $"{state} (stale)" : state,
                $"{HumanFormat.Text(row?["inFlight"])}/{HumanFormat.Text(row?["concurrency"])}",
                HumanFormat.Text(row?["processed"]),
                HumanFormat.Text(row?["failed"]),
                HumanFormat.Text(row?["device"]),
                HumanFormat.Age(row?["lastBeatAt"], now),
                string.Join(", ", models));
        }

        return table.Count == 0 ? "no workers have reported.\n" : table.ToString();
    }
}
