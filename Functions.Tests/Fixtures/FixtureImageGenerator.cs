using SkiaSharp;

namespace Functions.Tests.Fixtures;

/// <summary>
/// Draws the OCR tuning set (Fixtures/Images/tuning/*.png), in DejaVu: a till receipt and an app screenshot. The
/// pipeline's word-gap and line thresholds are fitted to these; <see cref="ScoringImageGenerator"/> draws the set they
/// are scored on. Run once and commit the PNGs; tests read the committed files so font or Skia updates cannot move the goalposts.
/// </summary>
public static class FixtureImageGenerator
{
    /// <summary>Set to 1 to redraw the committed tuning and scoring images (then review and commit them).</summary>
    public const string RegenerateVariable = "OCR_REGENERATE_FIXTURES";

    public static IReadOnlyDictionary<string, Func<byte[]>> All { get; } = new Dictionary<string, Func<byte[]>>
    {
        ["receipt"] = Receipt,
        ["screenshot"] = Screenshot,
    };

    /// <summary>A narrow till receipt: monospaced, item and price columns, on slightly speckled, slightly tilted paper.</summary>
    public static byte[] Receipt()
    {
        const int Width = 460;
        const int Height = 640;
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var font = new SKFont(TextImageRenderer.Typeface("DejaVuSansMono.ttf"), 18) { Edging = SKFontEdging.Antialias })
        using (var bold = new SKFont(TextImageRenderer.Typeface("DejaVuSansMono-Bold.ttf"), 24) { Edging = SKFontEdging.Antialias })
        using (var ink = new SKPaint { Color = new SKColor(45, 45, 50), IsAntialias = true })
        using (var rule = new SKPaint { Color = new SKColor(120, 120, 120), StrokeWidth = 1, PathEffect = SKPathEffect.CreateDash([6, 4], 0) })
        {
            canvas.Clear(new SKColor(206, 204, 198));
            canvas.RotateDegrees(1f, Width / 2f, Height / 2f);
            using (var paper = new SKPaint { Color = new SKColor(252, 250, 244) })
            {
                canvas.DrawRect(30, 20, Width - 60, Height - 40, paper);
            }

            void Centered(string text, float y, SKFont f) => canvas.DrawText(text, Width / 2f, y, SKTextAlign.Center, f, ink);
            void Row(string left, string right, float y)
            {
                canvas.DrawText(left, 55, y, SKTextAlign.Left, font, ink);
                canvas.DrawText(right, Width - 55, y, SKTextAlign.Right, font, ink);
            }

            Centered("CORNER MARKET", 70, bold);
            Centered("123 Main Street, Springfield", 102, font);
            Centered("Tel 555-0142", 128, font);
            canvas.DrawLine(55, 148, Width - 55, 148, rule);
            Row("Milk 2L", "3.49", 180);
            Row("Bread", "2.25", 210);
            Row("Eggs 12ct", "4.10", 240);
            Row("Coffee beans", "11.99", 270);
            canvas.DrawLine(55, 290, Width - 55, 290, rule);
            Row("SUBTOTAL", "21.83", 322);
            Row("TAX 8%", "1.75", 352);
            Row("TOTAL", "23.58", 388);
            canvas.DrawLine(55, 408, Width - 55, 408, rule);
            Centered("Card ending 4821", 445, font);
            Centered("Thank you for shopping!", 480, font);
            Centered("2024-03-15 14:32", 512, font);

            // Thermal-paper speckle, seeded so the file is reproducible.
            var random = new Random(7);
            using var speck = new SKPaint { Color = new SKColor(150, 150, 150, 90) };
            for (var i = 0; i < 400; i++)
            {
                canvas.DrawCircle(random.Next(30, Width - 30), random.Next(20, Height - 20), 0.6f, speck);
            }
        }

        return TextImageRenderer.Encode(bitmap);
    }

    /// <summary>A settings page: dark title bar, sidebar menu, form labels and values, a button with light text.</summary>
    public static byte[] Screenshot()
    {
        const int Width = 800;
        const int Height = 440;
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var title = new SKFont(TextImageRenderer.Typeface("DejaVuSans-Bold.ttf"), 20) { Edging = SKFontEdging.SubpixelAntialias })
        using (var body = new SKFont(TextImageRenderer.Typeface(), 16) { Edging = SKFontEdging.SubpixelAntialias })
        using (var white = new SKPaint { Color = SKColors.White, IsAntialias = true })
        using (var text = new SKPaint { Color = new SKColor(32, 33, 36), IsAntialias = true })
        using (var muted = new SKPaint { Color = new SKColor(95, 99, 104), IsAntialias = true })
        using (var fill = new SKPaint { IsAntialias = true })
        using (var border = new SKPaint { Color = new SKColor(200, 200, 205), Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            fill.Color = new SKColor(45, 45, 48);
            canvas.DrawRect(0, 0, Width, 52, fill);
            canvas.DrawText("Account Settings", 24, 33, SKTextAlign.Left, title, white);
            canvas.DrawText("Sign out", Width - 24, 32, SKTextAlign.Right, body, white);

            fill.Color = new SKColor(243, 243, 245);
            canvas.DrawRect(0, 52, 190, Height - 52, fill);
            fill.Color = new SKColor(225, 229, 240);
            canvas.DrawRect(0, 140, 190, 40, fill);
            string[] menu = ["Profile", "Security", "Billing", "Notifications"];
            for (var i = 0; i < menu.Length; i++)
            {
                canvas.DrawText(menu[i], 24, 112 + (i * 54), SKTextAlign.Left, body, text);
            }

            canvas.DrawText("Email address", 230, 112, SKTextAlign.Left, body, muted);
            canvas.DrawRoundRect(230, 130, 360, 36, 4, 4, border);
            canvas.DrawText("jane.doe@example.com", 242, 154, SKTextAlign.Left, body, text);
            canvas.DrawText("Display name", 230, 220, SKTextAlign.Left, body, muted);
            canvas.DrawRoundRect(230, 238, 360, 36, 4, 4, border);
            canvas.DrawText("Jane Doe", 242, 262, SKTextAlign.Left, body, text);

            fill.Color = new SKColor(26, 115, 232);
            canvas.DrawRoundRect(230, 320, 150, 40, 6, 6, fill);
            canvas.DrawText("Save changes", 305, 346, SKTextAlign.Center, body, white);
            canvas.DrawText("Last saved 3 minutes ago", 400, 346, SKTextAlign.Left, body, muted);
        }

        return TextImageRenderer.Encode(bitmap);
    }
}
