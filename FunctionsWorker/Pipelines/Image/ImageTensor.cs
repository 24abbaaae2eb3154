using SkiaSharp;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Image;

/// <summary>Converts between RGBA bitmaps and NCHW float tensors: normalisation, channel order, alpha masks.</summary>
internal static class ImageTensor
{
    private static readonly SKSamplingOptions Linear = new(SKFilterMode.Linear);

    /// <summary>Resizes an opaque RGBA image to <paramref name="size"/> and packs it as [1,3,H,W]: (v/255 - mean) / std.</summary>
    public static TensorData Pack(SKBitmap image, ImageSize size, float[] mean, float[] std, ChannelOrder order)
    {
        using var resized = Resize(image, size.Width, size.Height);
        var width = size.Width;
        var height = size.Height;
        var tensor = TensorData.Create([1, 3, height, width]);
        var data = tensor.Data;
        var plane = width * height;
        var pixels = resized.GetPixelSpan();
        var rowBytes = resized.RowBytes;
        Span<int> source = order == ChannelOrder.Bgr ? [2, 1, 0] : [0, 1, 2];
        for (var c = 0; c < 3; c++)
        {
            var offset = source[c];
            var scale = 1f / (255f * std[c]);
            var shift = mean[c] / std[c];
            var planeData = data.AsSpan(c * plane, plane);
            for (var y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * rowBytes, width * 4);
                for (var x = 0; x < width; x++)
                {
                    planeData[(y * width) + x] = (row[(x * 4) + offset] * scale) - shift;
                }
            }
        }

        return tensor;
    }

    /// <summary>An opaque RGBA bitmap from a [..,3,H,W] output: value / outputScale, clamped to [0,1].</summary>
    public static SKBitmap ToImage(TensorData output, float outputScale, ChannelOrder order)
    {
        var (channels, height, width) = Dimensions(output);
        if (channels != 3)
        {
            throw new InvalidDataException($"expected an image output of shape [1,3,H,W], got [{string.Join(',', output.Shape)}]");
        }

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        var plane = width * height;
        Span<int> target = order == ChannelOrder.Bgr ? [2, 1, 0] : [0, 1, 2];
        var scale = 255f / outputScale;
        for (var c = 0; c < 3; c++)
        {
            var offset = target[c];
            var planeData = output.Data.AsSpan(c * plane, plane);
            for (var y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * rowBytes, width * 4);
                for (var x = 0; x < width; x++)
                {
                    row[(x * 4) + offset] = ToByte(planeData[(y * width) + x] * scale);
                }
            }
        }

        for (var y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * rowBytes, width * 4);
            for (var x = 0; x < width; x++)
            {
                row[(x * 4) + 3] = 255;
            }
        }

        return bitmap;
    }

    /// <summary>
    /// The input with a [..,1,H,W] mask in [0,1] (resized to the input) multiplied into its alpha channel: straight
    /// alpha, so the colours stay as they were and only the coverage changes.
    /// </summary>
    public static SKBitmap ApplyMask(SKBitmap input, TensorData mask)
    {
        var (channels, height, width) = Dimensions(mask);
        if (channels != 1)
        {
            throw new InvalidDataException($"expected a mask output of shape [1,1,H,W], got [{string.Join(',', mask.Shape)}]");
        }

        using var maskBitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var maskPixels = maskBitmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                maskPixels[(y * maskBitmap.RowBytes) + x] = ToByte(mask.Data[(y * width) + x] * 255f);
            }
        }

        using var alpha = maskBitmap.Width == input.Width && maskBitmap.Height == input.Height
            ? maskBitmap.Copy()
            : maskBitmap.Resize(new SKImageInfo(input.Width, input.Height, SKColorType.Gray8, SKAlphaType.Opaque), Linear);
        var result = new SKBitmap(new SKImageInfo(input.Width, input.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        input.CopyTo(result, SKColorType.Rgba8888);
        var pixels = result.GetPixelSpan();
        var alphaPixels = alpha.GetPixelSpan();
        for (var y = 0; y < input.Height; y++)
        {
            for (var x = 0; x < input.Width; x++)
            {
                var p = (y * result.RowBytes) + (x * 4) + 3;
                pixels[p] = (byte)(((pixels[p] * alphaPixels[(y * alpha.RowBytes) + x]) + 127) / 255);
            }
        }

        return result;
    }

    /// <summary>A resized copy (or a plain copy when the size already matches), keeping the source's alpha type.</summary>
    public static SKBitmap Resize(SKBitmap image, int width, int height) =>
        image.Width == width && image.Height == height
            ? image.Copy()
            : image.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, image.AlphaType), Linear);

    private static (int Channels, int Height, int Width) Dimensions(TensorData tensor)
    {
        var shape = tensor.Shape;
        if (shape.Length < 3 || shape[..^3].Any(d => d != 1) || shape[^1] < 1 || shape[^2] < 1)
        {
            throw new InvalidDataException($"expected an output of shape [1,C,H,W], got [{string.Join(',', shape)}]");
        }

        return (shape[^3], shape[^2], shape[^1]);
    }

    private static byte ToByte(float value) =>
        float.IsNaN(value) ? (byte)0 : (byte)Math.Clamp(MathF.Round(value), 0f, 255f);
}
