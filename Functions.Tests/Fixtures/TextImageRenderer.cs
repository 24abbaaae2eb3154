using SkiaSharp;

namespace Functions.Tests.Fixtures;

/// <summary>Renders lines of text to PNG with SkiaSharp and DejaVu, so OCR tests know exactly what the image says.</summary>
public static class TextImageRenderer
{
    public const string FontDirectory = "/usr/share/fonts/truetype/dejavu";

    private static readonly Dictionary<string, SKTypeface> Typefaces = [];

    public static SKTypeface Typeface(string file = "DejaVuSans.ttf")
    {
        lock (Typefaces)
        {
            if (!Typefaces.TryGetValue(file, out var typeface))
            {
                var path = Path.Combine(FontDirectory, file);
                typeface = SKTypeface.FromFile(path) ?? throw new InvalidOperationException($"Font {path} is not installed.");
                Typefaces[file] = typeface;
            }

            return typeface;
        }
    }

    /// <summary>
    /// Draws <paramref name="lines"/> left-aligned at <paramref name="fontSize"/> pixels with a margin, then rotates the
    /// whole page by <paramref name="rotationDegrees"/> (clockwise) on a canvas large enough to hold it.
    /// </summary>
    public static byte[] Render(
        IReadOnlyList<string> lines, float fontSize, SKColor foreground, SKColor background, float rotationDegrees = 0, string font = "DejaVuSans.ttf")
    {
        using var skFont = new SKFont(Typeface(font), fontSize) { Edging = SKFontEdging.Antialias, Subpixel = true };
        var lineHeight = fontSize * 1.6f;
        var margin = fontSize * 1.5f;
        var textWidth = lines.Max(l => skFont.MeasureText(l));
        var pageWidth = textWidth + (2 * margin);
        var pageHeight = (lines.Count * lineHeight) + (2 * margin);

        var radians = rotationDegrees * MathF.PI / 180f;
        var (cos, sin) = (MathF.Abs(MathF.Cos(radians)), MathF.Abs(MathF.Sin(radians)));
        var width = (int)MathF.Ceiling((pageWidth * cos) + (pageHeight * sin));
        var height = (int)MathF.Ceiling((pageWidth * sin) + (pageHeight * cos));

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = foreground, IsAntialias = true })
        {
            canvas.Clear(background);
            canvas.Translate(width / 2f, height / 2f);
            canvas.RotateDegrees(rotationDegrees);
            canvas.Translate(-pageWidth / 2f, -pageHeight / 2f);
            for (var i = 0; i < lines.Count; i++)
            {
                // Baseline about three quarters down the line box.
                canvas.DrawText(lines[i], margin, margin + (i * lineHeight) + (fontSize * 1.1f), skFont, paint);
            }
        }

        return Encode(bitmap);
    }

    /// <summary>
    /// Draws a price list: each row's label left-aligned and its value right-aligned at the same baseline, with a wide
    /// gap between them (the detector sees two boxes per row), under an optional heading at <paramref name="headingSize"/>.
    /// </summary>
    public static byte[] RenderColumns(
        IReadOnlyList<(string Label, string Value)> rows, float fontSize, SKColor foreground, SKColor background, string? heading = null, float headingSize = 0)
    {
        using var skFont = new SKFont(Typeface(), fontSize) { Edging = SKFontEdging.Antialias, Subpixel = true };
        using var headingFont = new SKFont(Typeface("DejaVuSans-Bold.ttf"), headingSize > 0 ? headingSize : fontSize) { Edging = SKFontEdging.Antialias, Subpixel = true };
        var lineHeight = fontSize * 1.6f;
        var margin = fontSize * 1.5f;
        var gap = fontSize * 8;
        var labelWidth = rows.Max(r => skFont.MeasureText(r.Label));
        var valueWidth = rows.Max(r => skFont.MeasureText(r.Value));
        var headingHeight = heading is null ? 0 : headingFont.Size * 1.6f;
        var pageWidth = Math.Max(labelWidth + gap + valueWidth, heading is null ? 0 : headingFont.MeasureText(heading)) + (2 * margin);
        var pageHeight = headingHeight + (rows.Count * lineHeight) + (2 * margin);

        using var bitmap = new SKBitmap(new SKImageInfo((int)MathF.Ceiling(pageWidth), (int)MathF.Ceiling(pageHeight), SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = foreground, IsAntialias = true })
        {
            canvas.Clear(background);
            if (heading is not null)
            {
                canvas.DrawText(heading, margin, margin + (headingFont.Size * 1.1f), headingFont, paint);
            }

            for (var i = 0; i < rows.Count; i++)
            {
                var baseline = margin + headingHeight + (i * lineHeight) + (fontSize * 1.1f);
                canvas.DrawText(rows[i].Label, margin, baseline, skFont, paint);
                canvas.DrawText(rows[i].Value, pageWidth - margin - skFont.MeasureText(rows[i].Value), baseline, skFont, paint);
            }
        }

        return Encode(bitmap);
    }

    public static byte[] Encode(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
