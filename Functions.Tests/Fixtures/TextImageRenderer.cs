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

    public static byte[] Encode(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
