using SkiaSharp;

namespace FunctionsWorker.Bench;

/// <summary>
/// The bench's fixed image set: every PNG in <c>bench/images</c>. Two are copies of the committed test fixtures
/// (receipt, screenshot); the <c>rendered-*</c> ones (DejaVu, and Liberation Serif, Mono and Sans Bold at 14-64 px), and the price tags in <c>bench/images/tags</c> (the batching
/// section's one-line workload), are drawn by <see cref="Render"/> (<c>--render-images</c>) and committed, so every run
/// measures the same bytes.
/// </summary>
internal static class BenchImages
{
    private const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    private const string LiberationSerif = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf";
    private const string LiberationMono = "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf";
    private const string LiberationSansBold = "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf";
    private const string FreeSerif = "/usr/share/fonts/truetype/freefont/FreeSerif.ttf";
    private const string FreeSans = "/usr/share/fonts/truetype/freefont/FreeSans.ttf";

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
        // Other fonts and sizes than the tests' DejaVu: a serif invoice in small type, a wide monospace log, a bold sign.
        var invoice = Path.Combine(directory, "rendered-invoice-serif.png");
        File.WriteAllBytes(invoice, RenderText(InvoiceLines(), fontSize: 16, SKColors.Black, new SKColor(252, 252, 248), LiberationSerif));
        var log = Path.Combine(directory, "rendered-log-mono.png");
        File.WriteAllBytes(log, RenderText(LogLines(), fontSize: 14, new SKColor(200, 230, 200), new SKColor(24, 28, 32), LiberationMono));
        var sign = Path.Combine(directory, "rendered-sign-bold.png");
        File.WriteAllBytes(sign, RenderText(["CLOSED FOR", "MAINTENANCE", "Back at 14:30"], fontSize: 64, SKColors.White, new SKColor(180, 30, 30), LiberationSansBold));
        // Sizes phones and desktops send: a full-HD screen of short UI text, and a 3:4 photo of a printed page.
        var screen = Path.Combine(directory, "rendered-screen-1080p.png");
        File.WriteAllBytes(screen, RenderScreen());
        var photo = Path.Combine(directory, "photo-page.png");
        using (var printed = RenderBitmap(PhotoPageLines(), fontSize: 34, SKColors.Black, new SKColor(250, 248, 240), FreeSerif, minWidth: 1224, minHeight: 1632))
        {
            File.WriteAllBytes(photo, new Functions.Tests.Fixtures.PhotoLook(Seed: 5, BlurSigma: 0.8f, RotationDegrees: 1.2f, Perspective: 0.00005f, Lighting: 0.25f, Noise: 4).Apply(printed, new SKColor(90, 80, 70)));
        }

        var tags = Path.Combine(directory, "tags");
        Directory.CreateDirectory(tags);
        var written = new List<string> { page, label, invoice, log, sign, screen, photo };
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

    private static string[] PhotoPageLines() =>
    [
        "Meeting notes, platform review",
        "Date: 2 December 2026",
        "Attendees: ops, inference, storage",
        "",
        "The new replicas were ready in under",
        "two seconds and took their share of",
        "the backlog during the evening peak.",
        "",
        "Action items:",
        "1. Move the scaler to its own identity.",
        "2. Rotate the storage keys by Friday.",
        "3. Review the poison queue each morning.",
        "",
        "Next review: 16 December 2026",
    ];

    private static string[] InvoiceLines() =>
    [
        "INVOICE 2026-1187                                   Due 2026-12-31",
        "Northwind Traders Ltd, 42 Harbour Road, Portsmouth PO1 3AX",
        "Item                               Qty     Unit price      Amount",
        "GPU node hours (A100)              120        2.95         354.00",
        "Blob storage, hot tier (TB-month)    3       18.40          55.20",
        "Queue transactions (millions)       14        0.04           0.56",
        "Support plan, standard               1       29.00          29.00",
        "Subtotal                                                   438.76",
        "VAT 20%                                                     87.75",
        "Total due                                                  526.51",
        "Pay to IBAN GB33 BUKB 2020 1555 5555 55, reference INV-1187",
    ];

    private static string[] LogLines() =>
    [
        "2026-12-03T07:41:02Z INFO  worker-7 job=ocr-5512 state=Succeeded 412ms",
        "2026-12-03T07:41:03Z WARN  worker-2 job=thumb-0931 retry=2 storage-unavailable",
        "2026-12-03T07:41:05Z INFO  worker-7 model=ocr-det ready device=cuda warm=1.8s",
        "2026-12-03T07:41:09Z ERROR worker-4 job=img-0077 poisoned image-undecodable",
        "2026-12-03T07:41:12Z INFO  scaler queue=jobs length=184 replicas=3->6",
    ];

    private static byte[] RenderText(IReadOnlyList<string> lines, float fontSize, SKColor foreground, SKColor background, string fontPath = FontPath)
    {
        using var bitmap = RenderBitmap(lines, fontSize, foreground, background, fontPath);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A 1920x1080 screen: a title bar, a side menu and a table of short cells in FreeSans at 18-24 px.</summary>
    private static byte[] RenderScreen()
    {
        using var typeface = SKTypeface.FromFile(FreeSans) ?? throw new InvalidOperationException($"Font {FreeSans} is not installed (Debian: fonts-freefont-ttf).");
        using var title = new SKFont(typeface, 24) { Edging = SKFontEdging.Antialias, Subpixel = true };
        using var body = new SKFont(typeface, 18) { Edging = SKFontEdging.Antialias, Subpixel = true };
        using var bitmap = new SKBitmap(new SKImageInfo(1920, 1080, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var ink = new SKPaint { Color = new SKColor(30, 30, 40), IsAntialias = true })
        using (var light = new SKPaint { Color = SKColors.White, IsAntialias = true })
        using (var bar = new SKPaint { Color = new SKColor(36, 64, 120) })
        {
            canvas.Clear(new SKColor(244, 246, 250));
            canvas.DrawRect(0, 0, 1920, 64, bar);
            canvas.DrawText("Fleet dashboard - jobs queue", 32, 42, title, light);
            string[] menu = ["Overview", "Workers", "Jobs", "Poison queue", "Models", "Settings"];
            for (var i = 0; i < menu.Length; i++)
            {
                canvas.DrawText(menu[i], 32, 130 + (i * 48), body, ink);
            }

            string[] columns = ["Job", "Pipeline", "State", "Worker", "Duration"];
            string[][] rows =
            [
                ["ocr-5512", "ocr", "Succeeded", "worker-7", "412 ms"],
                ["thumb-0931", "thumbnail", "Retrying", "worker-2", "1.2 s"],
                ["img-0077", "image", "Poisoned", "worker-4", "38 ms"],
                ["ocr-5513", "ocr", "Running", "worker-7", "-"],
                ["ocr-5514", "ocr", "Queued", "-", "-"],
                ["thumb-0932", "thumbnail", "Succeeded", "worker-3", "96 ms"],
            ];
            for (var c = 0; c < columns.Length; c++)
            {
                canvas.DrawText(columns[c], 360 + (c * 300), 130, title, ink);
                for (var r = 0; r < rows.Length; r++)
                {
                    canvas.DrawText(rows[r][c], 360 + (c * 300), 190 + (r * 56), body, ink);
                }
            }

            canvas.DrawText("6 of 184 jobs shown. Queue length 184, 3 replicas, scaling to 6.", 360, 1000, body, ink);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKBitmap RenderBitmap(
        IReadOnlyList<string> lines, float fontSize, SKColor foreground, SKColor background, string fontPath, int minWidth = 0, int minHeight = 0)
    {
        using var typeface = SKTypeface.FromFile(fontPath) ?? throw new InvalidOperationException($"Font {fontPath} is not installed (Debian: fonts-dejavu-core, fonts-liberation, fonts-freefont-ttf).");
        using var font = new SKFont(typeface, fontSize) { Edging = SKFontEdging.Antialias, Subpixel = true };
        var lineHeight = fontSize * 1.6f;
        var margin = fontSize * 1.5f;
        var width = Math.Max(minWidth, (int)MathF.Ceiling(lines.Max(line => font.MeasureText(line)) + (2 * margin)));
        var height = Math.Max(minHeight, (int)MathF.Ceiling((lines.Count * lineHeight) + (2 * margin)));

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = foreground, IsAntialias = true })
        {
            canvas.Clear(background);
            for (var i = 0; i < lines.Count; i++)
            {
                canvas.DrawText(lines[i], margin, margin + (i * lineHeight) + (fontSize * 1.1f), font, paint);
            }
        }

        return bitmap;
    }
}
