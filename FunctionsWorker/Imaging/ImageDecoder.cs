using System.Buffers.Binary;
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
public sealed class ImageDecoder(IOptions<ImagingOptions> options, MemoryBudget budget)
{
    /// <summary>The largest side libpng, as Skia builds it, accepts (its default user limit): a taller PNG is refused by the decoder itself.</summary>
    public const int PngMaxSide = 1_000_000;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly ImagingOptions _options = options.Value;

    /// <summary>Decodes <paramref name="data"/> once its pixels fit in the <see cref="MemoryBudget"/>.</summary>
    public Task<DecodedImage> DecodeAsync(BinaryData data, CancellationToken cancellationToken) => DecodeAsync(data, null, cancellationToken);

    /// <summary>
    /// Decodes <paramref name="data"/> once its pixels, and the <paramref name="workingBytes"/> the caller will hold
    /// beside them for an upright image of the given width and height, fit in the <see cref="MemoryBudget"/>; the
    /// returned image keeps that reservation until it is disposed.
    /// </summary>
    public async Task<DecodedImage> DecodeAsync(BinaryData data, Func<int, int, long>? workingBytes, CancellationToken cancellationToken)
    {
        var input = data.ToMemory();
        if (input.Length == 0)
        {
            throw new InvalidJobException("empty-input", "The input blob is empty (0 bytes).");
        }

        if (input.Length > _options.MaxInputBytes)
        {
            throw new InvalidJobException("input-too-large", string.Create(CultureInfo.InvariantCulture,
                $"The input is {input.Length} bytes; the limit (Imaging:MaxInputBytes) is {_options.MaxInputBytes}."));
        }

        var header = ReadHeader(input.Span);
        var swap = header.Origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var rotates = header.Origin is not (SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default);
        // The input's copy, the decoded pixels, a second bitmap while the EXIF rotation draws, and the caller's buffers.
        var pixelBytes = (long)header.Width * header.Height * 4;
        var bytes = input.Length + (rotates ? 2 * pixelBytes : pixelBytes)
            + (workingBytes?.Invoke(swap ? header.Height : header.Width, swap ? header.Width : header.Height) ?? 0);

        var reservation = await budget.ReserveAsync(bytes, cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new DecodedImage(DecodePixels(input.Span), reservation);
        }
        catch
        {
            reservation.Dispose();
            throw;
        }
    }

    // Everything that can be known without decoding a pixel: the format, the size within the limits, the orientation.
    private Header ReadHeader(ReadOnlySpan<byte> input)
    {
        CheckPngSides(input);
        using var skData = SKData.CreateCopy(input);
        using var codec = Open(skData);
        var info = codec.Info;
        CheckPixels(info.Width, info.Height);

        if (codec.EncodedFormat == SKEncodedImageFormat.Jpeg)
        {
            // libjpeg fills a scan that runs out of data with grey and Skia calls that a success: count the blocks.
            var coverage = JpegCoverage.Measure(input);
            if (!coverage.Complete)
            {
                throw new InvalidJobException("image-undecodable", string.Create(CultureInfo.InvariantCulture,
                    $"The JPEG's compressed data ends after {coverage.Decoded} of the {coverage.Expected} blocks its {info.Width}x{info.Height} header needs: the file is truncated or corrupt."));
            }
        }

        return new Header(info.Width, info.Height, codec.EncodedOrigin);
    }

    private SKBitmap DecodePixels(ReadOnlySpan<byte> input)
    {
        using var skData = SKData.CreateCopy(input);
        using var codec = Open(skData);
        var info = codec.Info;
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

    private static SKCodec Open(SKData data)
    {
        // The codec owns the stream it is given.
        var codec = SKCodec.Create(new SKMemoryStream(data), out var createResult);
        return codec ?? throw new InvalidJobException("not-an-image", $"The input is not a supported image ({createResult}).");
    }

    private void CheckPixels(long width, long height)
    {
        if (width <= 0 || height <= 0 || width * height > _options.MaxPixels)
        {
            throw new InvalidJobException("image-too-large", string.Create(CultureInfo.InvariantCulture,
                $"The image is {width}x{height} pixels; the limit (Imaging:MaxPixels) is {_options.MaxPixels} pixels."));
        }
    }

    // libpng refuses a side over its limit before Skia can say why, which would read as "not an image".
    private void CheckPngSides(ReadOnlySpan<byte> input)
    {
        if (input.Length < 24 || !input.StartsWith(PngSignature) || !input.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return;
        }

        long width = BinaryPrimitives.ReadUInt32BigEndian(input[16..]);
        long height = BinaryPrimitives.ReadUInt32BigEndian(input[20..]);
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            return;
        }

        CheckPixels(width, height);
        if (width > PngMaxSide || height > PngMaxSide)
        {
            throw new InvalidJobException("image-too-large", string.Create(CultureInfo.InvariantCulture,
                $"The PNG is {width}x{height} pixels: a side over {PngMaxSide} exceeds the PNG decoder's limit of {PngMaxSide} pixels per side."));
        }
    }

    private readonly record struct Header(int Width, int Height, SKEncodedOrigin Origin);

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
