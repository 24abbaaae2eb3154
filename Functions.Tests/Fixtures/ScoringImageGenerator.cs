using SkiaSharp;

namespace Functions.Tests.Fixtures;

/// <summary>
/// Draws the OCR scoring set (Fixtures/Images/scoring): receipts, screenshots and documents in fonts the pipeline was
/// not tuned on (Liberation, GNU FreeFont, Noto Mono), from small to large, most made to look photographed
/// (<see cref="PhotoLook"/>). Word-gap and line thresholds are fitted to the DejaVu tuning set
/// (<see cref="FixtureImageGenerator"/>) only; this set measures how well they carry over. Run once and commit the files.
/// </summary>
public static class ScoringImageGenerator
{
    public const string Receipts = "receipt";
    public const string Screenshots = "screenshot";
    public const string Documents = "document";

    private const string Liberation = "/usr/share/fonts/truetype/liberation/";
    private const string FreeFont = "/usr/share/fonts/truetype/freefont/";
    private const string Noto = "/usr/share/fonts/truetype/noto/";

    private static readonly SKColor Table = new(120, 104, 88);
    private static readonly SKColor Desk = new(60, 62, 66);

    public static IReadOnlyList<ScoringImage> All { get; } =
    [
        Receipt("receipt-liberation-mono-16", Liberation + "LiberationMono-Regular.ttf", 16,
            new PhotoLook(Seed: 11, BlurSigma: 0.7f, RotationDegrees: 1.5f, Perspective: 0.0002f, Lighting: 0.3f, Noise: 6, JpegQuality: 45),
            ["FRESH FOODS", "88 Harbour Road", "Receipt 00417"],
            [("Apples 1kg", "2.99"), ("Cheddar 400g", "4.75"), ("Rice 2kg", "3.20"), ("Orange juice", "2.49"), ("TOTAL", "13.43")],
            ["Paid by card", "Have a nice day"]),
        Receipt("receipt-freemono-bold-14", FreeFont + "FreeMonoBold.ttf", 14,
            new PhotoLook(Seed: 12, BlurSigma: 0.5f, RotationDegrees: -2f, Lighting: 0.2f, Noise: 8),
            ["CITY PHARMACY", "Open 8am to 9pm"],
            [("Vitamin C 60", "6.95"), ("Plasters", "3.15"), ("Toothpaste", "2.40"), ("SUBTOTAL", "12.50"), ("VAT 20%", "2.50"), ("TOTAL", "15.00")],
            ["Cash 20.00", "Change 5.00", "2024-11-02 09:15"]),
        Receipt("receipt-noto-mono-24", Noto + "NotoSansMono-Regular.ttf", 24,
            new PhotoLook(Seed: 13, BlurSigma: 1.2f, RotationDegrees: 2.5f, Perspective: 0.00025f, Lighting: 0.35f, Noise: 5, JpegQuality: 30),
            ["THE DAILY BREW", "Table 7"],
            [("Latte", "3.80"), ("Croissant", "2.60"), ("Tea pot", "4.20"), ("TOTAL", "10.60")],
            ["Thanks, see you soon"]),
        Screenshot("screenshot-liberation-sans-15", Liberation + "LiberationSans-Regular.ttf", 15,
            new PhotoLook(Seed: 21, JpegQuality: 50),
            [
                new UiRow(new SKColor(25, 103, 210), "Inbox", SKColors.White, "Compose", new SKColor(255, 255, 255), new SKColor(13, 71, 161)),
                new UiRow(new SKColor(232, 240, 254), "Weekly report is ready", new SKColor(32, 33, 36), "9:41 AM", new SKColor(95, 99, 104)),
                new UiRow(SKColors.White, "Lunch on Friday?", new SKColor(32, 33, 36), "Yesterday", new SKColor(95, 99, 104)),
                new UiRow(new SKColor(254, 247, 224), "Invoice 2031 overdue", new SKColor(120, 72, 0), "Pay now", SKColors.White, new SKColor(230, 126, 34)),
                new UiRow(SKColors.White, "Team meeting moved to 3pm", new SKColor(32, 33, 36), "Mon", new SKColor(95, 99, 104)),
            ]),
        Screenshot("screenshot-freesans-dark-13", FreeFont + "FreeSans.ttf", 13,
            new PhotoLook(Seed: 22),
            [
                new UiRow(new SKColor(30, 30, 30), "Terminal", new SKColor(204, 204, 204), "Settings", new SKColor(204, 204, 204)),
                new UiRow(new SKColor(37, 37, 38), "Build succeeded in 4.2 s", new SKColor(78, 201, 176), "0 errors", new SKColor(220, 220, 170)),
                new UiRow(new SKColor(37, 37, 38), "Tests passed: 128", new SKColor(156, 220, 254), "3 skipped", new SKColor(206, 145, 120)),
                new UiRow(new SKColor(0, 122, 204), "main", SKColors.White, "Ln 42, Col 17", SKColors.White),
            ]),
        Screenshot("screenshot-liberation-narrow-28", Liberation + "LiberationSansNarrow-Bold.ttf", 28,
            new PhotoLook(Seed: 23, BlurSigma: 1.0f, RotationDegrees: -1.5f, Perspective: 0.0003f, Lighting: 0.25f, Noise: 7, JpegQuality: 40),
            [
                new UiRow(new SKColor(46, 125, 50), "Payment received", SKColors.White, "OK", new SKColor(46, 125, 50), SKColors.White),
                new UiRow(new SKColor(250, 250, 250), "Amount 249.00 EUR", new SKColor(33, 33, 33)),
                new UiRow(new SKColor(198, 40, 40), "Battery low 12%", SKColors.White, "Dismiss", SKColors.White),
            ]),
        Document("document-liberation-serif-18", Liberation + "LiberationSerif-Regular.ttf", 18,
            new PhotoLook(Seed: 31, BlurSigma: 0.8f, RotationDegrees: 1f, Perspective: 0.00015f, Lighting: 0.4f, Noise: 6, JpegQuality: 40),
            "Meeting Minutes",
            ["The committee met on Tuesday to review", "the budget for the coming year. Members", "agreed to fund two new projects and to", "postpone the roof repair until spring.", "The next meeting is on 14 March."]),
        Document("document-freeserif-14", FreeFont + "FreeSerif.ttf", 14,
            new PhotoLook(Seed: 32, Noise: 4),
            "Terms of Service",
            ["1. You may cancel at any time from your account page.", "2. Refunds are issued within 30 days of a request.", "3. We store your data in the European Union.", "4. These terms were last updated on 2 May 2025."]),
        Document("document-freesans-bold-40", FreeFont + "FreeSansBold.ttf", 40,
            new PhotoLook(Seed: 33, BlurSigma: 1.5f, RotationDegrees: -2.5f, Perspective: 0.0002f, Lighting: 0.3f, Noise: 9, JpegQuality: 35),
            "NOTICE",
            ["Lift out of order", "Please use the stairs", "Repair due Friday"]),
        Document("document-liberation-sans-italic-20", Liberation + "LiberationSans-Italic.ttf", 20,
            new PhotoLook(Seed: 34, BlurSigma: 0.6f, RotationDegrees: 0.8f, Lighting: 0.2f, JpegQuality: 55),
            "Shipping Note",
            ["Parcel 7 of 9 left the depot at 06:40.", "Expected delivery: Thursday before noon.", "Signature required on arrival."]),
    ];

    /// <summary>A row of a flat UI: a coloured band with a label on the left and an optional action or time on the right, on a pill when it has one.</summary>
    private sealed record UiRow(SKColor Fill, string Left, SKColor LeftInk, string? Right = null, SKColor RightInk = default, SKColor? Pill = null);

    private static ScoringImage Receipt(
        string name, string font, float size, PhotoLook look, string[] header, (string Item, string Price)[] items, string[] footer)
    {
        string[] lines = [.. header, .. items.Select(i => i.Item + " " + i.Price), .. footer];
        return new ScoringImage(name, Receipts, look.Extension, string.Join('\n', lines), () =>
        {
            using var skFont = new SKFont(TextImageRenderer.Typeface(font), size) { Edging = SKFontEdging.Antialias };
            var lineHeight = size * 1.7f;
            var paperWidth = size * 22;
            var paperHeight = (lines.Length + 2) * lineHeight;
            var (margin, left, right) = (size * 3, size * 4.5f, size * 3 + paperWidth - (size * 1.5f));
            using var bitmap = Blank(paperWidth + (2 * margin), paperHeight + (2 * margin), Table);
            using (var canvas = new SKCanvas(bitmap))
            using (var ink = new SKPaint { Color = new SKColor(40, 40, 48), IsAntialias = true })
            using (var paper = new SKPaint { Color = new SKColor(250, 248, 240) })
            {
                canvas.DrawRect(margin, margin, paperWidth, paperHeight, paper);
                var y = margin + (lineHeight * 1.5f);
                void Centered(IEnumerable<string> centered)
                {
                    foreach (var line in centered)
                    {
                        canvas.DrawText(line, margin + (paperWidth / 2), y, SKTextAlign.Center, skFont, ink);
                        y += lineHeight;
                    }
                }

                Centered(header);
                foreach (var (item, price) in items)
                {
                    canvas.DrawText(item, left, y, SKTextAlign.Left, skFont, ink);
                    canvas.DrawText(price, right, y, SKTextAlign.Right, skFont, ink);
                    y += lineHeight;
                }

                Centered(footer);
            }

            return look.Apply(bitmap, Table);
        });
    }

    private static ScoringImage Screenshot(string name, string font, float size, PhotoLook look, UiRow[] rows)
    {
        var text = string.Join('\n', rows.Select(r => r.Right is null ? r.Left : r.Left + " " + r.Right));
        return new ScoringImage(name, Screenshots, look.Extension, text, () =>
        {
            using var skFont = new SKFont(TextImageRenderer.Typeface(font), size) { Edging = SKFontEdging.SubpixelAntialias, Subpixel = true };
            var rowHeight = size * 3;
            var width = size * 34;
            using var bitmap = Blank(width, rowHeight * rows.Length, SKColors.White);
            using (var canvas = new SKCanvas(bitmap))
            using (var paint = new SKPaint { IsAntialias = true })
            {
                for (var i = 0; i < rows.Length; i++)
                {
                    var (top, baseline) = (i * rowHeight, (i * rowHeight) + (rowHeight / 2) + (size * 0.35f));
                    paint.Color = rows[i].Fill;
                    canvas.DrawRect(0, top, width, rowHeight, paint);
                    paint.Color = rows[i].LeftInk;
                    canvas.DrawText(rows[i].Left, size * 1.5f, baseline, SKTextAlign.Left, skFont, paint);
                    if (rows[i].Right is { } right)
                    {
                        var rightEdge = width - (size * 1.5f);
                        if (rows[i].Pill is { } pill)
                        {
                            paint.Color = pill;
                            var pillWidth = skFont.MeasureText(right) + (size * 1.6f);
                            canvas.DrawRoundRect(rightEdge - pillWidth + (size * 0.8f), top + (size * 0.6f), pillWidth, rowHeight - (size * 1.2f), size * 0.4f, size * 0.4f, paint);
                        }

                        paint.Color = rows[i].RightInk;
                        canvas.DrawText(right, rightEdge, baseline, SKTextAlign.Right, skFont, paint);
                    }
                }
            }

            return look.Apply(bitmap, Desk);
        });
    }

    private static ScoringImage Document(string name, string font, float size, PhotoLook look, string heading, string[] body)
    {
        return new ScoringImage(name, Documents, look.Extension, string.Join('\n', body.Prepend(heading)), () =>
        {
            using var skFont = new SKFont(TextImageRenderer.Typeface(font), size) { Edging = SKFontEdging.Antialias, Subpixel = true };
            using var headingFont = new SKFont(TextImageRenderer.Typeface(font), size * 1.5f) { Edging = SKFontEdging.Antialias, Subpixel = true, Embolden = true };
            var lineHeight = size * 1.6f;
            var margin = size * 3;
            var width = body.Max(l => skFont.MeasureText(l)) + (2 * margin);
            var height = (lineHeight * (body.Length + 2)) + (2 * margin);
            using var bitmap = Blank(width, height, new SKColor(252, 252, 250));
            using (var canvas = new SKCanvas(bitmap))
            using (var ink = new SKPaint { Color = new SKColor(25, 25, 30), IsAntialias = true })
            {
                canvas.DrawText(heading, margin, margin + (headingFont.Size * 1.1f), SKTextAlign.Left, headingFont, ink);
                for (var i = 0; i < body.Length; i++)
                {
                    canvas.DrawText(body[i], margin, margin + (lineHeight * (i + 2)) + (size * 1.1f), SKTextAlign.Left, skFont, ink);
                }
            }

            return look.Apply(bitmap, Desk);
        });
    }

    private static SKBitmap Blank(float width, float height, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo((int)MathF.Ceiling(width), (int)MathF.Ceiling(height), SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(color);
        return bitmap;
    }
}
