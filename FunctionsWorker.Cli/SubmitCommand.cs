using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionsWorker.Schema;

namespace FunctionsWorker.Cli;

/// <summary>
/// <c>fwjobs submit</c>: uploads the input, enqueues a schema-v1 job message (base64, like the Functions default),
/// reports the job's state changes on stderr and prints its <c>result.json</c> on stdout.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var storage = new StorageOptions();
        var names = new JobStoreOptions();
        var pipeline = new Option<string>("--pipeline") { Description = "Pipeline name (thumbnail, ocr, image, ...).", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "Input file, uploaded to <input-container>/<jobId>/<name>.", Required = true };
        file.AcceptExistingOnly();
        var parameters = new Option<string[]>("--param") { Description = "A job parameter as key=value (JSON value or string); repeat for more." };
        var jobId = new Option<string?>("--job-id") { Description = $"Job id, {JobIdRule.Description} [default: a new GUID]." };
        var wait = new Option<int>("--wait")
        {
            Description = "Seconds to wait for the outcome; 0 prints the job id and returns at once.",
            DefaultValueFactory = _ => 300,
        };
        var json = new Option<bool>("--json") { Description = "State changes and errors on stderr as JSON lines (stdout is result.json either way)." };
        var command = new Command("submit", "Submit a job, follow its state on stderr, print its result.json on stdout.")
        {
            pipeline, file, parameters, jobId, wait, json, names.Queue, names.Table, names.InputContainer, names.OutputContainer,
        };
        storage.AddTo(command);
        CommandRunner.SetAction(command, json, async (parse, reporter, cancellationToken) =>
        {
            var id = JobIds.Validate(parse.GetValue(jobId) ?? JobIds.New());
            var jobParameters = Parameters(parse.GetValue(parameters) ?? []);
            var seconds = parse.GetValue(wait);
            if (seconds < 0)
            {
                throw CliException.BadInput("--wait must be 0 or more seconds.");
            }

            var clients = storage.Resolve(parse, Environment.GetEnvironmentVariable);
            var input = parse.GetValue(file)!;
            var inputBlob = $"{id}/{input.Name}";
            var outputContainer = parse.GetValue(names.OutputContainer)!;
            var inputs = clients.BlobService().GetBlobContainerClient(parse.GetValue(names.InputContainer));
            await inputs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await using (var stream = input.OpenRead())
            {
                await inputs.GetBlobClient(inputBlob).UploadAsync(stream, overwrite: true, cancellationToken);
            }

            // The job's trace starts here: the worker makes this W3C context (sampled) the parent of its job span (README, Telemetry).
            var traceId = ActivityTraceId.CreateRandom();
            var traceParent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";
            var job = new JsonObject
            {
                ["jobId"] = id,
                ["pipeline"] = parse.GetValue(pipeline),
                ["input"] = new JsonObject { ["container"] = inputs.Name, ["blob"] = inputBlob },
                ["output"] = new JsonObject { ["container"] = outputContainer, ["prefix"] = $"{id}/" },
                ["parameters"] = jobParameters,
                ["traceparent"] = traceParent,
            };
            var queue = clients.QueueService().GetQueueClient(parse.GetValue(names.Queue));
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var receipt = await queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(job.ToJsonString())), cancellationToken);
            reporter.Event(
                $"job {id}: queued on {queue.Name} (message {receipt.Value.MessageId}, trace {traceId})",
                new JsonObject
                {
                    ["jobId"] = id, ["state"] = "Queued", ["queue"] = queue.Name, ["messageId"] = receipt.Value.MessageId, ["traceId"] = traceId.ToString(),
                });
            if (seconds == 0)
            {
                Reporter.Result(id);
                return ExitCodes.Succeeded;
            }

            var watcher = new JobWatcher(
                clients.TableService().GetTableClient(parse.GetValue(names.Table)),
                clients.BlobService().GetBlobContainerClient(outputContainer).GetBlobClient($"{id}/result.json"),
                reporter);
            return await watcher.WatchAsync(id, TimeSpan.FromSeconds(seconds), cancellationToken);
        });
        return command;
    }

    /// <summary><c>key=value</c> pairs; a value that parses as JSON is sent as JSON (numbers, booleans), else as a string.</summary>
    public static JsonObject Parameters(IEnumerable<string> pairs)
    {
        var result = new JsonObject();
        foreach (var pair in pairs)
        {
            var split = pair.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0)
            {
                throw CliException.BadInput($"--param '{pair}' must be key=value.");
            }

            var value = pair[(split + 1)..];
            try
            {
                result[pair[..split]] = JsonNode.Parse(value);
            }
            catch (JsonException)
            {
                result[pair[..split]] = value;
            }
        }

        return result;
    }
}
