using SkiaSharp;

namespace Functions.Tests.Fixtures;

/// <summary>
/// Makes a clean rendering look photographed: a small rotation and perspective tilt over a surrounding surface,
/// Gaussian blur, a lighting gradient, sensor noise, then PNG or a low-quality JPEG. Seeded, so the output is the same
/// on every run with the same Skia.
/// </summary>
/// <param name="Perspective">Skia's perspective term per pixel from the centre (0.0002: one side about 6% nearer at 300 px).</param>
/// <param name="Lighting">How much darker the far corner is than the near one (0: even light).</param>
/// <param name="Noise">Standard deviation of the per-pixel noise, in 0-255 levels.</param>
/// <param name="JpegQuality">0 keeps PNG; otherwise the JPEG quality (1-100).</param>
public sealed record PhotoLook(
    int Seed, float BlurSigma = 0, float RotationDegrees = 0, float Perspective = 0, float Lighting = 0, float Noise = 0, int JpegQuality = 0)
{
    public string Extension => JpegQuality > 0 ? "jpg" : "png";

    public byte[] Apply(SKBitmap clean, SKColor surface)
    {
        using var photo = new SKBitmap(new SKImageInfo(clean.Width, clean.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(photo))
        using (var image = SKImage.FromBitmap(clean))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            canvas.Clear(surface);
            var (cx, cy) = (clean.Width / 2f, clean.Height / 2f);
            var tilt = SKMatrix.Identity;
            tilt.Persp0 = Perspective;
            tilt.Persp1 = Perspective / 2;
            var matrix = SKMatrix.CreateTranslation(cx, cy)
                .PreConcat(tilt)
                .PreConcat(SKMatrix.CreateRotationDegrees(RotationDegrees))
                .PreConcat(SKMatrix.CreateScale(0.96f, 0.96f))
                .PreConcat(SKMatrix.CreateTranslation(-cx, -cy));
            if (BlurSigma > 0)
            {
                paint.ImageFilter = SKImageFilter.CreateBlur(BlurSigma, BlurSigma);
            }

            canvas.SetMatrix(matrix);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
            canvas.ResetMatrix();
            if (Lighting > 0)
            {
                var shade = (byte)(255 * (1 - Lighting));
                using var light = new SKPaint
                {
                    BlendMode = SKBlendMode.Multiply,
                    Shader = SKShader.CreateLinearGradient(
                        new SKPoint(0, 0), new SKPoint(clean.Width, clean.Height), [SKColors.White, new SKColor(shade, shade, shade)], SKShaderTileMode.Clamp),
                };
                canvas.DrawRect(0, 0, clean.Width, clean.Height, light);
            }
        }

        AddNoise(photo);
        using var data = photo.Encode(JpegQuality > 0 ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, JpegQuality > 0 ? JpegQuality : 100);
        return data.ToArray();
    }

    private void AddNoise(SKBitmap bitmap)
    {
        if (Noise <= 0)
        {
            return;
        }

        var random = new Random(Seed);
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i += 4)
        {
            // Box-Muller: one Gaussian sample per pixel, the same on all three channels (luminance noise).
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var delta = (int)Math.Round(gaussian * Noise);
            for (var c = 0; c < 3; c++)
            {
                pixels[i + c] = (byte)Math.Clamp(pixels[i + c] + delta, 0, 255);
            }
        }
    }
}
