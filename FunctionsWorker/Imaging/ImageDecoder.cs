using System.Globalization;
using Microsoft.Extensions.Options;
using SkiaSharp;
using FunctionsWorker.Errors;

namespace FunctionsWorker.Imaging;

/// <summary>
/// Decodes untrusted image bytes into upright, straight-alpha RGBA: size limits checked from the header before
/// decoding, EXIF orientation applied, any colour model (grayscale, CMYK, palette, alpha) converted, first frame
/// of an animation only. Every rejection is a permanent <see cref="InvalidJobException"/>.
/// </summary>
public sealed class ImageDecoder(IOptions<ImagingOptions> options)
{
    private readonly ImagingOptions _options = options.Value;

    public SKBitmap Decode(BinaryData data)
    {
        if (data.ToMemory().Length == 0)
        {
            throw new InvalidJobException("empty-input", "The input blob is empty (0 bytes).");
        }

        if (data.ToMemory().Length > _options.MaxInputBytes)
        {
            throw new InvalidJobException("input-too-large", string.Create(CultureInfo.InvariantCulture,
                $"The input is {data.ToMemory().Length} bytes; the limit (Imaging:MaxInputBytes) is {_options.MaxInputBytes}."));
        }

        using var skData = SKData.CreateCopy(data.ToMemory().Span);
        using var codec = SKCodec.Create(new SKMemoryStream(skData), out var createResult)
            ?? throw new InvalidJobException("not-an-image", $"The input is not a supported image ({createResult}).");

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > _options.MaxPixels)
        {
            throw new InvalidJobException("image-too-large", string.Create(CultureInfo.InvariantCulture,
                $"The image is {info.Width}x{info.Height} pixels; the limit (Imaging:MaxPixels) is {_options.MaxPixels} pixels."));
        }

        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(target);
        try
        {
            // Frame 0 only: animated GIF/WebP inputs are treated as their first frame.
            var result = codec.GetPixels(target, bitmap.GetPixels(), new SKCodecOptions(0));
            // A truncated file decodes to a partly grey image (IncompleteInput): rejected, not guessed at.
            if (result != SKCodecResult.Success)
            {
                throw new InvalidJobException("image-undecodable", $"The image could not be decoded ({result}): the file is truncated or corrupt.");
            }

            return Orient(bitmap, codec.EncodedOrigin);
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    private static SKBitmap Orient(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            return bitmap;
        }

        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var width = swap ? bitmap.Height : bitmap.Width;
        var height = swap ? bitmap.Width : bitmap.Height;
        var rotated = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(rotated))
        {
            canvas.SetMatrix(OriginMatrix(origin, bitmap.Width, bitmap.Height));
            canvas.DrawBitmap(bitmap, 0, 0);
        }

        bitmap.Dispose();
        return rotated;
    }

    // Maps the stored pixels onto the upright image, as the EXIF orientation tag defines it.
    private static SKMatrix OriginMatrix(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };
}
