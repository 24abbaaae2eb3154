using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace FunctionsWorker.Cli;

/// <summary>
/// <c>fwjobs submit</c>: uploads the input, enqueues a schema-v1 job message (base64, like the Functions default)
/// and waits for <c>result.json</c>, or for the job to land in the poison queue.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var storage = CommonOptions.Storage();
        var pipeline = new Option<string>("--pipeline") { Description = "Pipeline name (thumbnail, ocr, image, ...).", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "Input file, uploaded to inputs/<jobId>/<name>.", Required = true };
        var parameters = new Option<string[]>("--param") { Description = "A job parameter as key=value (JSON value or string); repeat for more." };
        var queue = new Option<string>("--queue") { Description = "Jobs queue.", DefaultValueFactory = _ => "jobs" };
        var jobId = new Option<string?>("--job-id") { Description = "Job id (default: a new GUID)." };
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for the result (0: do not wait).", DefaultValueFactory = _ => 300 };
        var command = new Command("submit", "Submit a job and print its result.") { storage, pipeline, file, parameters, queue, jobId, wait };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var connection = parse.GetValue(storage)!;
            var id = parse.GetValue(jobId) ?? Guid.NewGuid().ToString("N");
            var input = parse.GetValue(file)!;
            var inputBlob = $"{id}/{input.Name}";
            var inputs = new BlobContainerClient(connection, "inputs");
            await inputs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await using (var stream = input.OpenRead())
            {
                await inputs.GetBlobClient(inputBlob).UploadAsync(stream, overwrite: true, cancellationToken);
            }

            var job = new JsonObject
            {
                ["jobId"] = id,
                ["pipeline"] = parse.GetValue(pipeline),
                ["input"] = new JsonObject { ["container"] = "inputs", ["blob"] = inputBlob },
                ["parameters"] = Parameters(parse.GetValue(parameters) ?? []),
            };
            var jobs = new QueueClient(connection, parse.GetValue(queue));
            await jobs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var receipt = await jobs.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(job.ToJsonString())), cancellationToken);
            Console.WriteLine($"submitted job {id} (message {receipt.Value.MessageId}) to queue {jobs.Name}");

            var seconds = parse.GetValue(wait);
            return seconds <= 0 ? 0 : await WaitAsync(connection, id, TimeSpan.FromSeconds(seconds), cancellationToken);
        });
        return command;
    }

    private static JsonObject Parameters(string[] pairs)
    {
        var result = new JsonObject();
        foreach (var pair in pairs)
        {
            var split = pair.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0)
            {
                throw new ArgumentException($"--param '{pair}' must be key=value.");
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

    private static async Task<int> WaitAsync(string connection, string jobId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = new BlobContainerClient(connection, "outputs").GetBlobClient($"{jobId}/result.json");
        var records = new Azure.Data.Tables.TableClient(connection, "jobs");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if ((await result.ExistsAsync(cancellationToken)).Value)
            {
                var content = (await result.DownloadContentAsync(cancellationToken)).Value.Content.ToString();
                Console.WriteLine($"job {jobId} succeeded after {clock.Elapsed.TotalSeconds:F1} s; result.json:");
                Console.WriteLine(JsonNode.Parse(content)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }

            var record = await records.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(jobId, "job", cancellationToken: cancellationToken);
            if (record.HasValue && record.Value!.GetString("State") == "Poisoned")
            {
                Console.Error.WriteLine($"job {jobId} failed: {record.Value.GetString("ErrorType")}: {record.Value.GetString("ErrorMessage")}");
                return 2;
            }

            await Task.Delay(250, cancellationToken);
        }

        Console.Error.WriteLine($"job {jobId}: no result after {timeout.TotalSeconds:F0} s");
        return 3;
    }
}
