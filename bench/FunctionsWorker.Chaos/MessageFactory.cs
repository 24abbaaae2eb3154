using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Chaos;

/// <summary>
/// The mixed load: valid thumbnail, OCR and delay jobs with varied parameters, and one of each bad message shape a
/// hostile or careless producer sends; every message carries a unique id so its poison copy and record can be found.
/// </summary>
internal sealed class MessageFactory(Random random, ChaosSettings settings, IReadOnlyList<string> inputs, IReadOnlyList<string> textInputs, string runId)
{
    public const string OcrKind = "valid:ocr";

    public static readonly string[] BadKinds =
    [
        "malformed-json", "duplicate-keys", "lone-surrogate", "bad-base64", "unknown-pipeline",
        "container-not-allowed", "reply-to-jobs-queue", "blob-ends-in-slash", "empty-output-prefix", "job-id-newline",
    ];

    private int _next;

    public SentMessage Valid()
    {
        var id = NextId("ok");
        JsonObject job;
        var pick = random.NextDouble();
        if (pick < settings.OcrFraction)
        {
            // Small text images of one size (price tags) and a receipt: alike jobs that batching can merge, and a long one.
            job = Job(id, "ocr", textInputs[random.Next(textInputs.Count)], new JsonObject
            {
                ["maxSide"] = new[] { 480, 960 }[random.Next(2)],
                ["overlay"] = random.Next(2) == 0,
            });
        }
        else if (pick < settings.OcrFraction + settings.ThumbnailFraction)
        {
            var formats = new[] { "png", "jpeg" };
            job = Job(id, "thumbnail", inputs[random.Next(inputs.Count)], new JsonObject
            {
                ["maxSide"] = new[] { 16, 64, 128, 256, 640 }[random.Next(5)],
                ["format"] = formats[random.Next(2)],
                ["quality"] = random.Next(40, 96),
            });
        }
        else
        {
            job = Job(id, "delay", inputs[0], new JsonObject { ["ms"] = random.Next(0, settings.MaxDelayMs + 1) });
        }

        return new SentMessage("valid:" + job["pipeline"]!.GetValue<string>(), id, Base64(job.ToJsonString()), valid: true);
    }

    public SentMessage Bad(string kind)
    {
        var id = NextId("bad");
        var blob = $"\"input\":{{\"container\":\"inputs\",\"blob\":\"{inputs[0]}\"}}";
        var json = kind switch
        {
            "malformed-json" => $"{{\"jobId\":\"{id}\",\"pipeline\":\"thumbnail\",{blob},\"parameters\":{{\"maxSide\":",
            "duplicate-keys" => $"{{\"jobId\":\"{id}\",\"pipeline\":\"thumbnail\",{blob},\"parameters\":{{\"maxSide\":10,\"maxSide\":20}}}}",
            "lone-surrogate" => $"{{\"jobId\":\"{id}\",\"pipeline\":\"thumbnail\",\"input\":{{\"container\":\"inputs\",\"blob\":\"\\ud800.png\"}}}}",
            "bad-base64" => null,
            "unknown-pipeline" => $"{{\"jobId\":\"{id}\",\"pipeline\":\"no-such-pipeline\",{blob}}}",
            "container-not-allowed" => $"{{\"jobId\":\"{id}\",\"pipeline\":\"thumbnail\",{blob},\"output\":{{\"container\":\"models\",\"prefix\":\"{id}/\"}}}}",
            "reply-to-jobs-queue" => $"{{\"jobId\":\"{id}\",\"pipeline\":\"thumbnail\",{blob},\"replyTo\":\"jobs\"}}",
            "blob-ends-in-slash" => $"{{\"jobId\":\"{id}\",\"pipeline\":\"thumbnail\",\"input\":{{\"container\":\"inputs\",\"blob\":\"chaos/\"}}}}",
            "empty-output-prefix" => $"{{\"jobId\":\"{id}\",\"pipeline\":\"thumbnail\",{blob},\"output\":{{\"container\":\"outputs\",\"prefix\":\"\"}}}}",
            "job-id-newline" => $"{{\"jobId\":\"{id}\\n\",\"pipeline\":\"thumbnail\",{blob}}}",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown bad message kind"),
        };

        // Not base64 at all ('!' and spaces are outside the alphabet), but plain text the queue accepts.
        var text = json is null ? $"not base64 !! {id}" : Base64(json);

        // The record is under this id when the worker could read it, else under msg-<messageId>: the checks look at both.
        return new SentMessage(kind, id, text, valid: false);
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private string NextId(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{runId}-{Interlocked.Increment(ref _next):D5}");

    private static JsonObject Job(string id, string pipeline, string blob, JsonObject parameters) => new()
    {
        ["jobId"] = id,
        ["pipeline"] = pipeline,
        ["input"] = new JsonObject { ["container"] = "inputs", ["blob"] = blob },
        ["parameters"] = parameters,
    };
}
