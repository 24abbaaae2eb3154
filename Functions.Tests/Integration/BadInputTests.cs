using System.Net;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Integration;

/// <summary>The bad-input corpus: each message ends in poison, unchanged, with the right error in its job record, while the worker keeps serving.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BadInputTests(AzuriteFixture azurite)
{
    private sealed record BadInput(string Name, string Body, string ExpectedRecordKey, string ExpectedError);

    [Fact]
    public async Task BadInputCorpus_EachEndsInPoison_WithTheRightError_WorkerKeepsServing()
    {
        await using var worker = await TestWorker.StartAsync(azurite);
        var queue = worker.Queue;
        await queue.UploadAsync("inputs", "empty.png", []);
        await queue.UploadAsync("inputs", "text.png", "this is not an image, just text"u8.ToArray());
        var png = TestImages.Png(300, 200);
        await queue.UploadAsync("inputs", "truncated.png", png[..(png.Length / 2)]);
        await queue.UploadAsync("inputs", "huge.png", TestImages.PngHeaderClaiming(30000, 30000));

        static string Job(string jobId, string blob, string pipeline = "thumbnail") =>
            JobQueue.Base64(JobQueue.Job(jobId, pipeline, blob).ToJsonString());

        // 64 KiB is the queue's limit for the stored (base64) text: 48 KiB of JSON encodes to exactly 64 KiB.
        var filler = new string('p', (48 * 1024) - 120);
        var atLimit = JobQueue.Job("at-limit", filler, "a.png").ToJsonString();
        atLimit += new string(' ', (48 * 1024) - atLimit.Length);
        Assert.Equal(64 * 1024, JobQueue.Base64(atLimit).Length);

        var cases = new[]
        {
            new BadInput("malformed JSON", JobQueue.Base64("{\"jobId\": \"mal-1\", "), "msg-", "invalid-json"),
            new BadInput("invalid base64", "%%% not base64 %%%", "msg-", "invalid-base64"),
            new BadInput("missing fields", JobQueue.Base64("{\"jobId\":\"missing-1\",\"pipeline\":\"thumbnail\"}"), "missing-1", "invalid-message"),
            new BadInput("bad jobId", Job("../../etc/passwd", "a.png"), "msg-", "invalid-job-id"),
            new BadInput("unknown pipeline", Job("unknown-1", "a.png", "teleport"), "unknown-1", "unknown-pipeline"),
            new BadInput("dot-dot blob", Job("dotdot-1", "../secrets/key.png"), "dotdot-1", "invalid-blob-name"),
            new BadInput("URL blob", Job("url-1", "https://evil.example/x.png"), "url-1", "invalid-blob-name"),
            new BadInput("missing blob", Job("nosuch-1", "no/such.png"), "nosuch-1", "blob-not-found"),
            new BadInput("zero-byte blob", Job("empty-1", "empty.png"), "empty-1", "empty-input"),
            new BadInput("not an image", Job("text-1", "text.png"), "text-1", "not-an-image"),
            new BadInput("truncated PNG", Job("trunc-1", "truncated.png"), "trunc-1", "image-undecodable"),
            new BadInput("30000x30000 header", Job("huge-1", "huge.png"), "huge-1", "image-too-large"),
            new BadInput("64 KiB message", JobQueue.Base64(atLimit), "at-limit", "unknown-pipeline"),
        };

        var sent = new List<(BadInput Case, string MessageId)>();
        foreach (var bad in cases)
        {
            sent.Add((bad, (await queue.SendRawAsync(bad.Body)).MessageId));
        }

        var failures = new List<string>();
        foreach (var (bad, messageId) in sent)
        {
            var key = bad.ExpectedRecordKey == "msg-" ? "msg-" + messageId : bad.ExpectedRecordKey;
            try
            {
                var record = await queue.WaitForStateAsync(key, TimeSpan.FromSeconds(30), "Poisoned");
                if (record.GetString("ErrorType") != bad.ExpectedError || record.GetBoolean("Permanent") != true || record.GetInt64("Attempt") != 1)
                {
                    failures.Add($"{bad.Name}: got {record.GetString("ErrorType")} (permanent {record.GetBoolean("Permanent")}, attempt {record.GetInt64("Attempt")}): {record.GetString("ErrorMessage")}");
                }
                else if (string.IsNullOrWhiteSpace(record.GetString("ErrorMessage")) || record.GetString("ErrorMessage")!.Length > 4096)
                {
                    failures.Add($"{bad.Name}: error message missing or unbounded");
                }
            }
            catch (TimeoutException ex)
            {
                failures.Add($"{bad.Name}: {ex.Message}");
            }
        }

        Assert.Empty(failures);
        var poison = await queue.WaitForPoisonAsync(cases.Length);
        Assert.Equal(cases.Select(c => c.Body).Order(), poison.Select(p => p.MessageText).Order());
        await queue.WaitForQueueEmptyAsync();

        // Still serving: healthy, ready, and a good job right after the corpus succeeds.
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);
        await queue.UploadAsync("inputs", "good.png", TestImages.Png(64, 64));
        await queue.SendAsync(JobQueue.Job("good-after", "thumbnail", "good.png", new JsonObject { ["maxSide"] = 32 }));
        await queue.WaitForStateAsync("good-after", TimeSpan.FromSeconds(30), "Succeeded");
    }
}
