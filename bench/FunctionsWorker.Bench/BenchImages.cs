using SkiaSharp;

namespace FunctionsWorker.Bench;

/// <summary>
/// The bench's fixed image set: every PNG in <c>bench/images</c>. Two are copies of the committed test fixtures
/// (receipt, screenshot); the <c>rendered-*</c> ones, and the price tags in <c>bench/images/tags</c> (the batching
/// section's one-line workload), are drawn by <see cref="Render"/> (<c>--render-images</c>) and committed, so every run
/// measures the same bytes.
/// </summary>
internal static class BenchImages
{
    private const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    /// <summary>One short line each, as a shelf-label camera or a crop service would send them: many small, alike jobs.</summary>
    private static readonly string[] TagLines =
    [
        "Espresso 2.80", "Cappuccino 3.40", "Flat white 3.60", "Green tea 2.20",
        "Croissant 2.10", "Bagel 2.90", "Orange juice 3.10", "Water 1.50",
    ];

    public static IReadOnlyList<BenchImage> Load(string directory)
    {
        var files = Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.png").Order(StringComparer.Ordinal).ToArray()
            : [];
        if (files.Length == 0)
        {
            throw new InvalidOperationException($"No PNG images in {directory}.");
        }

        return [.. files.Select(file =>
        {
            var content = File.ReadAllBytes(file);
            using var codec = SKCodec.Create(new MemoryStream(content)) ?? throw new InvalidOperationException($"{file} is not a decodable image.");
            return new BenchImage(Path.GetFileNameWithoutExtension(file), content, codec.Info.Width, codec.Info.Height);
        })];
    }

    /// <summary>Draws the rendered images: a dense text page (many lines, the expensive case) and a small label (the cheap case).</summary>
    public static IReadOnlyList<string> Render(string directory)
    {
        Directory.CreateDirectory(directory);
        var page = Path.Combine(directory, "rendered-page.png");
        File.WriteAllBytes(page, RenderText(PageLines(), fontSize: 22, SKColors.Black, SKColors.White));
        var label = Path.Combine(directory, "rendered-label.png");
        File.WriteAllBytes(label, RenderText(["SHIP TO: Dock 7", "Order 2024-00815", "Weight 12.5 kg"], fontSize: 40, new SKColor(20, 20, 90), new SKColor(250, 245, 225)));
        var tags = Path.Combine(directory, "tags");
        Directory.CreateDirectory(tags);
        var written = new List<string> { page, label };
        for (var i = 0; i < TagLines.Length; i++)
        {
            var tag = Path.Combine(tags, $"tag-{i + 1}.png");
            File.WriteAllBytes(tag, RenderTag(TagLines[i]));
            written.Add(tag);
        }

        return written;
    }

    /// <summary>A fixed 320x80 canvas whatever the text, so every tag gets the same detector shape.</summary>
    private static byte[] RenderTag(string text)
    {
        using var typeface = SKTypeface.FromFile(FontPath) ?? throw new InvalidOperationException($"Font {FontPath} is not installed (Debian: fonts-dejavu-core).");
        using var font = new SKFont(typeface, 30) { Edging = SKFontEdging.Antialias, Subpixel = true };
        using var bitmap = new SKBitmap(new SKImageInfo(320, 80, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawText(text, 20, 50, font, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static string[] PageLines() =>
    [
        "Quarterly operations report",
        "Prepared by the platform team on 2024-04-02",
        "1. Summary",
        "Queue throughput rose 18% after the listener change.",
        "Median job latency fell from 840 ms to 610 ms.",
        "Two incidents were caused by expired storage keys.",
        "2. Capacity",
        "GPU nodes: 6 active, 2 reserved for failover.",
        "Peak load reached 1,250 jobs per minute on March 14.",
        "Average model warm-up time was 3.2 seconds.",
        "3. Costs",
        "Compute spend: $12,480 (budget $13,000).",
        "Storage spend: $1,105 (budget $1,200).",
        "4. Next steps",
        "Batch recognition across jobs on the same device.",
        "Move the OCR models to the shared model cache.",
        "Add a second region before the summer peak.",
        "Contact: ops-team@example.com, extension 4417",
    ];

    private static byte[] RenderText(IReadOnlyList<string> lines, float fontSize, SKColor foreground, SKColor background)
    {
        using var typeface = SKTypeface.FromFile(FontPath) ?? throw new InvalidOperationException($"Font {FontPath} is not installed (Debian: fonts-dejavu-core).");
        using var font = new SKFont(typeface, fontSize) { Edging = SKFontEdging.Antialias, Subpixel = true };
        var lineHeight = fontSize * 1.6f;
        var margin = fontSize * 1.5f;
        var width = (int)MathF.Ceiling(lines.Max(line => font.MeasureText(line)) + (2 * margin));
        var height = (int)MathF.Ceiling((lines.Count * lineHeight) + (2 * margin));

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = foreground, IsAntialias = true })
        {
            canvas.Clear(background);
            for (var i = 0; i < lines.Count; i++)
            {
                canvas.DrawText(lines[i], margin, margin + (i * lineHeight) + (fontSize * 1.1f), font, paint);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
