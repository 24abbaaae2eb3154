using SkiaSharp;

namespace FunctionsWorker.Chaos;

/// <summary>
/// The inputs: for thumbnail jobs a few sizes and formats drawn once, for OCR jobs the bench's committed text images;
/// uploaded to <c>inputs/chaos/</c>.
/// </summary>
internal static class InputImages
{
    /// <summary>The bench's eight price tags (one line each, one size) and its receipt (many lines).</summary>
    public static IReadOnlyList<(string Name, byte[] Content)> Text()
    {
        var images = Path.Combine(RepositoryPaths.Root, "bench", "images");
        return [.. Directory.EnumerateFiles(Path.Combine(images, "tags"), "*.png").Append(Path.Combine(images, "receipt.png"))
            .Order(StringComparer.Ordinal)
            .Select(path => ("chaos/text/" + Path.GetFileName(path), File.ReadAllBytes(path)))];
    }

    public static IReadOnlyList<(string Name, byte[] Content)> Make(bool includeLarge)
    {
        var list = new List<(string, byte[])>
        {
            ("chaos/tiny.png", Encode(48, 32, SKEncodedImageFormat.Png)),
            ("chaos/small.jpg", Encode(320, 240, SKEncodedImageFormat.Jpeg)),
            ("chaos/medium.webp", Encode(800, 600, SKEncodedImageFormat.Webp)),
            ("chaos/wide.png", Encode(1600, 400, SKEncodedImageFormat.Png)),
            ("chaos/hd.jpg", Encode(1920, 1080, SKEncodedImageFormat.Jpeg)),
        };
        if (includeLarge)
        {
            list.Add(("chaos/large.jpg", Encode(4000, 3000, SKEncodedImageFormat.Jpeg)));
        }

        return list;
    }

    public static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            // A gradient and shapes rather than a flat colour, so decoders and encoders do real work.
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [SKColors.OrangeRed, SKColors.SteelBlue, SKColors.Gold], SKShaderTileMode.Clamp);
            using var fill = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, width, height, fill);
            using var paint = new SKPaint { Color = SKColors.Navy, IsAntialias = true };
            for (var i = 0; i < 12; i++)
            {
                canvas.DrawCircle(width * (i + 1) / 13f, height / 2f, Math.Min(width, height) / 8f, paint);
            }
        }

        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }
}
