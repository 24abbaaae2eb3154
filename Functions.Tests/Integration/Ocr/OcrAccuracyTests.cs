using System.Globalization;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using SkiaSharp;
using Xunit.Abstractions;
using FunctionsWorker.Jobs;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Integration.Ocr;

/// <summary>Reads rendered text with the real PP-OCRv4 models and measures the character error rate.</summary>
[Collection(OcrModelsFixture.Collection)]
public sealed class OcrAccuracyTests(OcrModelsFixture models, ITestOutputHelper output)
{
    private static readonly SKColor Ink = new(20, 20, 20);
    private static readonly SKColor Paper = new(250, 250, 247);
    private static readonly SKColor DarkBackground = new(32, 33, 36);
    private static readonly SKColor LightInk = new(232, 234, 237);

    public sealed record TextCase(string Name, string[] Lines, float FontSize, SKColor Foreground, SKColor Background, float Rotation = 0);

    public static IReadOnlyList<TextCase> Cases { get; } =
    [
        new("single-line", ["Hello World from the OCR worker"], 32, Ink, Paper),
        new("multi-line", ["The quick brown fox jumps", "over the lazy dog near", "the river bank at noon."], 24, Ink, Paper),
        new("digits", ["0123456789", "3.14159 2.71828 1.41421", "Order 48213 due 2024-07-15"], 40, Ink, Paper),
        new("punctuation", ["Wait, what? Yes! (maybe)", "Email: ops@example.com; id=42", "Total: $1,299.95 - 15% off"], 28, Ink, Paper),
        new("small-16px", ["Small print is harder to read", "but it should still work fine", "for normal body text sizes."], 16, Ink, Paper),
        new("large-64px", ["BIG HEADLINE", "Second Row 77"], 64, Ink, Paper),
        new("light-on-dark", ["Dark mode screenshot text", "Status: OK (200) in 35 ms"], 28, LightInk, DarkBackground),
        new("rotated-plus-3", ["Slightly rotated line of text", "with a second line below it"], 30, Ink, Paper, 3),
        new("rotated-minus-3", ["Counter clockwise tilt here", "Page 12 of 40"], 30, LightInk, DarkBackground, -3),
    ];

    [Fact]
    public async Task RenderedText_CharacterErrorRate_IsAtMostTwoPercent_AndEveryLineIsFound()
    {
        var edits = 0;
        var referenceLength = 0;
        var spacedEdits = 0;
        var spacedLength = 0;
        var missing = new List<string>();
        foreach (var testCase in Cases)
        {
            var png = TextImageRenderer.Render(testCase.Lines, testCase.FontSize, testCase.Foreground, testCase.Background, testCase.Rotation);
            var summary = await RunAsync(png);
            var reference = string.Join('\n', testCase.Lines);
            var recognised = summary["text"]!.GetValue<string>();
            var distance = CharacterErrorRate.Distance(CharacterErrorRate.WithoutWhitespace(reference), CharacterErrorRate.WithoutWhitespace(recognised));
            edits += distance;
            referenceLength += CharacterErrorRate.WithoutWhitespace(reference).Length;
            spacedEdits += CharacterErrorRate.Distance(reference, recognised);
            spacedLength += reference.Length;

            var found = summary["lines"]!.AsArray().Select(l => CharacterErrorRate.WithoutWhitespace(l!["text"]!.GetValue<string>())).ToList();
            missing.AddRange(testCase.Lines
                .Where(line => !found.Any(f => CharacterErrorRate.Of(CharacterErrorRate.WithoutWhitespace(line), f) <= 0.1))
                .Select(l => $"{testCase.Name}: '{l}'"));

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{testCase.Name,-16} {summary["width"]}x{summary["height"]} edits={distance} (with spaces {CharacterErrorRate.Distance(reference, recognised)}) timingsMs={summary["timingsMs"]!.ToJsonString()}"));
            if (recognised != reference)
            {
                output.WriteLine($"  expected: {reference.Replace("\n", " | ", StringComparison.Ordinal)}");
                output.WriteLine($"  got:      {recognised.Replace("\n", " | ", StringComparison.Ordinal)}");
            }
        }

        // Spaces count: WordGapSpacer puts back the word breaks the general recogniser drops.
        var cer = spacedEdits / (double)spacedLength;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CER over {Cases.Count} images: {cer:P2} ({spacedEdits}/{spacedLength}); without whitespace: {edits / (double)referenceLength:P2} ({edits}/{referenceLength})"));
        Assert.Empty(missing);
        Assert.True(cer <= 0.02, $"CER {cer:P2} (spaces counted) exceeds 2%");
    }

    [Fact]
    public async Task Lines_HaveBoxesInInputPixels_AndConfidence()
    {
        var lines = new[] { "First line at the top", "Second line below" };
        var png = TextImageRenderer.Render(lines, 32, Ink, Paper);
        using var bitmap = SKBitmap.Decode(png);
        var summary = await RunAsync(png);

        Assert.Equal(bitmap.Width, summary["width"]!.GetValue<int>());
        Assert.Equal(bitmap.Height, summary["height"]!.GetValue<int>());
        var found = summary["lines"]!.AsArray();
        Assert.Equal(2, found.Count);
        var previousTop = -1;
        foreach (var line in found)
        {
            var box = line!["box"]!.AsArray().Select(p => (X: p![0]!.GetValue<int>(), Y: p[1]!.GetValue<int>())).ToArray();
            Assert.Equal(4, box.Length);
            Assert.All(box, p => Assert.InRange(p.X, 0, bitmap.Width - 1));
            Assert.All(box, p => Assert.InRange(p.Y, 0, bitmap.Height - 1));
            // The text starts at the left margin (1.5 x font size = 48 px); the box hugs it.
            Assert.InRange(box[0].X, 30, 55);
            Assert.True(box[0].Y > previousTop, "Lines come top to bottom.");
            previousTop = box[3].Y;
            Assert.InRange(line["confidence"]!.GetValue<double>(), 0.8, 1.0);
        }
    }

    [Fact]
    public async Task LongLine_ReadInPieces_KeepsEveryWordAndTheSpacesAtTheCuts()
    {
        const string text = "Queue length 184 with three replicas, scaling to six; the scaler reads the jobs queue every thirty seconds";
        var png = TextImageRenderer.Render([text], 16, Ink, Paper);
        var summary = await RunAsync(png);

        var box = Assert.Single(summary["boxes"]!.AsArray())!["box"]!.AsArray().Select(p => (X: p![0]!.GetValue<int>(), Y: p[1]!.GetValue<int>())).ToArray();
        // At the recogniser's height the strip is more than twice the widest piece: it was read in three pieces or more.
        var scaledWidth = (box[1].X - box[0].X) * TextRecognizer.InputHeight / (double)(box[3].Y - box[0].Y);
        Assert.True(scaledWidth > 2 * TextRecognizer.MaxPieceWidth, $"the line scales to {scaledWidth:F0} columns: one piece");
        var read = summary["text"]!.GetValue<string>();
        Assert.True(CharacterErrorRate.Distance(text, read) <= 1, $"read '{read}'");
    }

    [Fact]
    public async Task Overlay_WhenRequested_IsAPngOfTheInputSize()
    {
        var png = TextImageRenderer.Render(["Overlay me"], 32, Ink, Paper);
        var result = await models.Pipeline.RunAsync(Context(png, new JsonObject { ["overlay"] = true }), CancellationToken.None);

        var overlay = Assert.Single(result.Outputs);
        Assert.Equal("overlay.png", overlay.Name);
        Assert.Equal("image/png", overlay.ContentType);
        using var decoded = SKBitmap.Decode(overlay.Content.ToArray());
        using var input = SKBitmap.Decode(png);
        Assert.Equal((input.Width, input.Height), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task NoOverlay_ByDefault_AndBlankImage_GivesNoLines()
    {
        using var blank = new SKBitmap(new SKImageInfo(200, 100, SKColorType.Rgba8888, SKAlphaType.Opaque));
        blank.Erase(SKColors.White);
        var result = await models.Pipeline.RunAsync(Context(TextImageRenderer.Encode(blank)), CancellationToken.None);

        Assert.Empty(result.Outputs);
        Assert.Empty(result.Summary["lines"]!.AsArray());
        Assert.Equal("", result.Summary["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(16)]
    [InlineData(5000)]
    public async Task MaxSide_OutOfRange_IsAnInvalidParameter(int maxSide)
    {
        var png = TextImageRenderer.Render(["x"], 32, Ink, Paper);
        var error = await Assert.ThrowsAsync<FunctionsWorker.Errors.InvalidJobException>(
            () => models.Pipeline.RunAsync(Context(png, new JsonObject { ["maxSide"] = maxSide }), CancellationToken.None));
        Assert.Equal("invalid-parameter", error.ErrorType);
    }

    [Fact]
    public async Task NotAnImage_IsRejectedAsInvalidJob()
    {
        var error = await Assert.ThrowsAsync<FunctionsWorker.Errors.InvalidJobException>(
            () => models.Pipeline.RunAsync(Context("not a picture"u8.ToArray()), CancellationToken.None));
        Assert.Equal("not-an-image", error.ErrorType);
    }

    private async Task<JsonObject> RunAsync(byte[] png)
    {
        var result = await models.Pipeline.RunAsync(Context(png), CancellationToken.None);
        return result.Summary;
    }

    private static PipelineContext Context(byte[] input, JsonObject? parameters = null) => new()
    {
        JobId = "test",
        InputName = "input.png",
        Input = BinaryData.FromBytes(input),
        Parameters = new PipelineParameters(parameters),
    };
}
