using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkiaSharp;
using FunctionsWorker.Imaging;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// The <c>ocr</c> pipeline (PP-OCRv4): detects text lines, reads each, and returns them in reading order with their
/// boxes; <c>parameters.maxSide</c> bounds the detector's input, <c>parameters.overlay</c> adds <c>overlay.png</c>.
/// </summary>
internal sealed class OcrPipeline : IPipeline
{
    public const string PipelineName = "ocr";
    public const string OverlayFileName = "overlay.png";

    private readonly OcrOptions _options;
    private readonly IModelProvider _models;
    private readonly ImageDecoder _decoder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TextDetector _detector;
    private readonly TextDirectionClassifier _classifier;
    private readonly Lock _recognizerGate = new();
    private TextRecognizer? _recognizer;

    public OcrPipeline(IOptions<OcrOptions> options, IModelProvider models, ImageDecoder decoder, TimeProvider time, ILogger<OcrPipeline> logger)
    {
        _options = options.Value;
        _models = models;
        _decoder = decoder;
        _time = time;
        _logger = logger;
        RequiredModels = string.IsNullOrEmpty(_options.Classifier)
            ? [_options.DetectionModel, _options.RecognitionModel, _options.Dictionary]
            : [_options.DetectionModel, _options.RecognitionModel, _options.Dictionary, _options.Classifier];
        _classifier = new TextDirectionClassifier(_options.RecognitionBatchSize);
        _detector = new TextDetector(new DbPostProcessor(_options.BinaryThreshold, _options.BoxThreshold, _options.UnclipRatio, _options.MaxCandidates));
    }

    public string Name => PipelineName;

    public IReadOnlyCollection<string> RequiredModels { get; }

    public async Task<PipelineResult> RunAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        // Parameters first: a bad job fails before any decoding or inference work.
        var maxSide = context.Parameters.GetInt32("maxSide", _options.MaxSide, DetectionSize.Multiple, DetectionSize.MaxSideLimit);
        var wantOverlay = context.Parameters.GetBoolean("overlay", false);
        var detection = _models.GetRunner(_options.DetectionModel);
        var recognition = _models.GetRunner(_options.RecognitionModel);
        var recognizer = GetRecognizer();
        var direction = string.IsNullOrEmpty(_options.Classifier) ? null : _models.GetRunner(_options.Classifier);

        var started = _time.GetTimestamp();
        context.Report("decode", 0);
        // Beside the decoded image: its opaque copy (and the overlay), plus an estimate of the detector's resized
        // bitmap and float tensors at maxSide, all held until the job ends.
        using var source = await _decoder.DecodeAsync(context.Input,
            (w, h) => ((long)w * h * 4 * (wantOverlay ? 2 : 1)) + ((long)maxSide * maxSide * 20), cancellationToken).ConfigureAwait(false);
        using var image = OpaqueImage.OnWhite(source.Bitmap);
        var decoded = _time.GetTimestamp();

        context.Report("detect", 0.1);
        var boxes = await _detector.DetectAsync(detection, image, maxSide, cancellationToken).ConfigureAwait(false);
        var detected = _time.GetTimestamp();

        context.Report("recognize", 0.3, $"{boxes.Count} text boxes");
        var read = await RecognizeAsync(recognizer, recognition, direction, image, boxes, cancellationToken).ConfigureAwait(false);
        var lines = LineGrouper.Group(read);
        var recognized = _time.GetTimestamp();
        context.Report("encode", 0.9);

        var outputs = new List<PipelineOutput>();
        if (wantOverlay)
        {
            using var overlay = OcrOverlay.Draw(image, read);
            var png = ImageEncoder.Encode(overlay, "png");
            outputs.Add(new PipelineOutput(OverlayFileName, png.Content, png.ContentType));
        }

        var encoded = _time.GetTimestamp();
        var timings = new OcrTimings(
            _time.GetElapsedTime(started, decoded),
            _time.GetElapsedTime(decoded, detected),
            _time.GetElapsedTime(detected, recognized),
            _time.GetElapsedTime(recognized, encoded));
        Log.OcrCompleted(_logger, context.JobId, image.Width, image.Height, lines.Count, read.Count,
            (long)_time.GetElapsedTime(started, encoded).TotalMilliseconds,
            (long)timings.Decode.TotalMilliseconds, (long)timings.Detect.TotalMilliseconds,
            (long)timings.Recognize.TotalMilliseconds, (long)timings.Encode.TotalMilliseconds);

        return new PipelineResult(Summarize(image, read, lines, timings), outputs);
    }

    /// <summary>
    /// Built on the first job: the dictionary is a catalog file, verified and cached during warm-up, which jobs never
    /// precede; a job that comes too early fails as a worker fault and is released, like one whose model is not ready.
    /// </summary>
    private TextRecognizer GetRecognizer()
    {
        lock (_recognizerGate)
        {
            if (_recognizer is null)
            {
                var path = _models.GetFilePath(_options.Dictionary);
                var dictionary = CharacterDictionary.Load(path);
                Log.DictionaryLoaded(_logger, path, dictionary.ClassCount);
                _recognizer = new TextRecognizer(dictionary, _options.RecognitionBatchSize);
            }

            return _recognizer;
        }
    }

    /// <summary>Every box that reads as text above <c>MinConfidence</c>, in the detector's reading order.</summary>
    private async Task<List<OcrBox>> RecognizeAsync(
        TextRecognizer recognizer, ModelRunner runner, ModelRunner? direction, SKBitmap image, IReadOnlyList<TextQuad> boxes, CancellationToken cancellationToken)
    {
        if (boxes.Count == 0)
        {
            return [];
        }

        using var source = SKImage.FromBitmap(image);
        var strips = new List<SKBitmap>(boxes.Count);
        try
        {
            foreach (var box in boxes)
            {
                strips.Add(PerspectiveCrop.Crop(source, box));
            }

            var flipped = direction is null
                ? new bool[strips.Count]
                : await _classifier.ClassifyAsync(direction, strips, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < strips.Count; i++)
            {
                if (flipped[i])
                {
                    var upright = TextDirectionClassifier.Turn(strips[i]);
                    strips[i].Dispose();
                    strips[i] = upright;
                }
            }

            var texts = await recognizer.RecognizeAsync(runner, strips, cancellationToken).ConfigureAwait(false);
            var read = new List<OcrBox>(boxes.Count);
            for (var i = 0; i < boxes.Count; i++)
            {
                var (text, confidence) = texts[i];
                text = text.Trim();
                if (text.Length > 0 && confidence >= _options.MinConfidence)
                {
                    read.Add(new OcrBox(text, confidence, boxes[i], flipped[i]));
                }
            }

            return read;
        }
        finally
        {
            foreach (var strip in strips)
            {
                strip.Dispose();
            }
        }
    }

    /// <summary>
    /// <c>lines</c>: what a reader sees, one entry per text row with the indices of its <c>boxes</c>; <c>boxes</c>: one
    /// entry per detected box, in the detector's reading order, with <c>flipped</c> when it was read upside down.
    /// </summary>
    private static JsonObject Summarize(SKBitmap image, List<OcrBox> boxes, List<OcrLine> lines, OcrTimings timings)
    {
        var boxArray = new JsonArray();
        foreach (var box in boxes)
        {
            var entry = new JsonObject
            {
                ["text"] = box.Text,
                ["confidence"] = Math.Round(box.Confidence, 4),
                ["box"] = Corners(box.Box),
            };
            if (box.Flipped)
            {
                entry["flipped"] = true;
            }

            boxArray.Add((JsonNode)entry);
        }

        var lineArray = new JsonArray();
        foreach (var line in lines)
        {
            lineArray.Add((JsonNode)new JsonObject
            {
                ["text"] = line.Text,
                ["confidence"] = Math.Round(line.Confidence, 4),
                ["box"] = Corners(line.Box),
                ["boxes"] = new JsonArray([.. line.Boxes.Select(i => (JsonNode)i)]),
            });
        }

        return new JsonObject
        {
            ["text"] = string.Join('\n', lines.Select(l => l.Text)),
            ["lines"] = lineArray,
            ["boxes"] = boxArray,
            ["width"] = image.Width,
            ["height"] = image.Height,
            ["timingsMs"] = new JsonObject
            {
                ["decode"] = Milliseconds(timings.Decode),
                ["detect"] = Milliseconds(timings.Detect),
                ["recognize"] = Milliseconds(timings.Recognize),
                ["encode"] = Milliseconds(timings.Encode),
            },
        };
    }

    private static JsonArray Corners(TextQuad quad)
    {
        var corners = new JsonArray();
        foreach (var point in quad.ToArray())
        {
            corners.Add((JsonNode)new JsonArray((int)MathF.Round(point.X), (int)MathF.Round(point.Y)));
        }

        return corners;
    }

    private static double Milliseconds(TimeSpan elapsed) => Math.Round(elapsed.TotalMilliseconds, 1);

    private readonly record struct OcrTimings(TimeSpan Decode, TimeSpan Detect, TimeSpan Recognize, TimeSpan Encode);
}
