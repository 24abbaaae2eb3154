using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Cli;

/// <summary><c>fwjobs status</c>: the worker's <c>GET /api/status</c> as a short summary (worker, storage, queue, fleet, jobs, device, models), or raw with <c>--json</c>.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var worker = new WorkerOptions();
        var json = new Option<bool>("--json") { Description = "Print the status document as JSON." };
        var command = new Command("status", "Show the worker's status (GET /api/status).") { json };
        worker.AddTo(command);
        CommandRunner.SetAction(command, json, async (parse, reporter, cancellationToken) =>
        {
            var status = await worker.Resolve(parse).GetAsync("status", "the worker has no status endpoint at --url.", cancellationToken);
            if (reporter.Json)
            {
                Reporter.Result(status);
            }
            else
            {
                Console.Out.Write(Summary(status));
            }

            return ExitCodes.Succeeded;
        });
        return command;
    }

    public static string Summary(JsonNode status)
    {
        var text = new StringBuilder();
        var ready = status["ready"]?.GetValue<bool>() == true;
        var reasons = status["notReadyReasons"] is JsonArray list && list.Count > 0 ? $" ({string.Join("; ", list)})" : "";
        text.AppendLine(CultureInfo.InvariantCulture, $"worker {status["workerId"]} {status["version"]}: {status["status"]}, {(ready ? "ready" : "not ready" + reasons)}");
        if (status["uptimeMs"] is JsonValue uptime && uptime.TryGetValue(out long ms))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"uptime {TimeSpan.FromMilliseconds(ms):d\\.hh\\:mm\\:ss}");
        }

        if (status["storage"] is JsonObject storage)
        {
            var reachable = storage["reachable"]?.GetValue<bool>() == true;
            text.AppendLine(CultureInfo.InvariantCulture, $"storage {storage["account"]}: {(reachable ? "reachable" : $"unreachable ({storage["error"]})")}");
        }

        if (status["queue"] is JsonObject queue)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"queue {queue["name"]}: {queue["length"]} waiting, {queue["poisonName"]}: {queue["poisonLength"]}; in flight {status["inFlight"]}");
        }

        if (status["fleet"] is JsonObject fleet)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"fleet: {fleet["ready"]} ready, {fleet["stale"]} stale, {fleet["total"]} total (fwjobs workers for the list)");
        }

        if (status["counts"] is JsonObject counts && counts.Count > 0)
        {
            text.AppendLine("jobs: " + string.Join(", ", counts.Select(pair => $"{pair.Key} {pair.Value}")));
        }

        if (status["inference"] is JsonObject inference)
        {
            var device = inference["device"];
            text.AppendLine(CultureInfo.InvariantCulture, $"device {device?["effective"]} (requested {device?["requested"]})");
            if (inference["models"] is JsonArray models && models.Count > 0)
            {
                text.AppendLine("models: " + string.Join(", ", models.Select(model => $"{model?["name"]} {model?["state"]}")));
            }
        }

        return text.ToString();
    }
}
