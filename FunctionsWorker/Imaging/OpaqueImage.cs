using SkiaSharp;

namespace FunctionsWorker.Imaging;

/// <summary>Composites an image onto white: models and JPEG see no alpha, and transparent pixels would otherwise read as black.</summary>
public static class OpaqueImage
{
    public static SKBitmap OnWhite(SKBitmap image)
    {
        var opaque = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(opaque);
        canvas.Clear(SKColors.White);
        canvas.DrawBitmap(image, 0, 0);
        return opaque;
    }
}
