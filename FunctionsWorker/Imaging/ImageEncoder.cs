using SkiaSharp;

namespace FunctionsWorker.Imaging;

/// <summary>Encodes pipeline output images.</summary>
public static class ImageEncoder
{
    public static PipelineImage Encode(SKBitmap bitmap, string format, int quality = 90)
    {
        var (skFormat, contentType, extension) = format.ToLowerInvariant() switch
        {
            "jpeg" or "jpg" => (SKEncodedImageFormat.Jpeg, "image/jpeg", "jpg"),
            _ => (SKEncodedImageFormat.Png, "image/png", "png"),
        };

        // JPEG has no alpha: flatten here, once for every pipeline, or transparent areas come out black.
        using var flattened = skFormat == SKEncodedImageFormat.Jpeg && bitmap.AlphaType != SKAlphaType.Opaque ? OpaqueImage.OnWhite(bitmap) : null;
        using var data = (flattened ?? bitmap).Encode(skFormat, quality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {bitmap.Width}x{bitmap.Height} image as {format}.");
        return new PipelineImage(BinaryData.FromBytes(data.ToArray()), contentType, extension);
    }
}
