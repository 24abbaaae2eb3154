using Functions.Tests.Fixtures;
using Microsoft.Extensions.Options;
using SkiaSharp;
using FunctionsWorker.Errors;
using FunctionsWorker.Imaging;

namespace Functions.Tests.Unit.Imaging;

/// <summary>The limits and odd formats every pipeline's input goes through.</summary>
public sealed class ImageDecoderTests
{
    private static readonly SKColor Red = new(220, 20, 20);
    private static readonly SKColor Green = new(20, 200, 20);
    private static readonly SKColor Blue = new(20, 20, 220);
    private static readonly SKColor Yellow = new(230, 230, 20);

    private readonly ImageDecoder _decoder = Decoder(new ImagingOptions());

    [Fact]
    public async Task OverMaxInputBytes_IsRejectedBeforeDecoding()
    {
        var png = TestImages.Png(64, 64);
        var decoder = Decoder(new ImagingOptions { MaxInputBytes = png.Length - 1 });

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => decoder.DecodeAsync(BinaryData.FromBytes(png), CancellationToken.None));

        Assert.Equal("input-too-large", error.ErrorType);
        Assert.Contains("Imaging:MaxInputBytes", error.Message, StringComparison.Ordinal);
        using var atLimit = await DecodeAsync(Decoder(new ImagingOptions { MaxInputBytes = png.Length }), BinaryData.FromBytes(png));
        Assert.Equal(64, atLimit.Width);
    }

    [Fact]
    public async Task OverMaxPixels_IsRejectedFromTheHeaderAlone()
    {
        // 100000 x 100000 RGBA would be 40 GB decoded: only a header check can answer this quickly.
        var bomb = TestImages.PngHeaderClaiming(100_000, 100_000);

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => _decoder.DecodeAsync(BinaryData.FromBytes(bomb), CancellationToken.None));

        Assert.Equal("image-too-large", error.ErrorType);
        Assert.Contains("100000x100000", error.Message, StringComparison.Ordinal);
        Assert.Contains("Imaging:MaxPixels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverMaxPixels_CountsWidthTimesHeight()
    {
        var decoder = Decoder(new ImagingOptions { MaxPixels = 20 * 20 });

        Assert.Equal("image-too-large", (await Assert.ThrowsAsync<InvalidJobException>(() => decoder.DecodeAsync(BinaryData.FromBytes(TestImages.Png(21, 20)), CancellationToken.None))).ErrorType);
        using var atLimit = await DecodeAsync(decoder, BinaryData.FromBytes(TestImages.Png(20, 20)));
        Assert.Equal(20, atLimit.Height);
    }

    [Fact]
    public async Task ZeroBytes_IsEmptyInput()
    {
        var error = await Assert.ThrowsAsync<InvalidJobException>(() => _decoder.DecodeAsync(BinaryData.FromBytes([]), CancellationToken.None));
        Assert.Equal("empty-input", error.ErrorType);
    }

    [Fact]
    public async Task NotAnImage_IsRejected()
    {
        var error = await Assert.ThrowsAsync<InvalidJobException>(() => _decoder.DecodeAsync(BinaryData.FromString("{\"hello\": \"this is JSON, not a picture\"}"), CancellationToken.None));
        Assert.Equal("not-an-image", error.ErrorType);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    public async Task Truncated_IsUndecodable(string format)
    {
        using var noisy = Noise(128, 128);
        using var data = noisy.Encode(format == "png" ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 90);
        var bytes = data.ToArray();

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => _decoder.DecodeAsync(BinaryData.FromBytes(bytes[..(bytes.Length / 2)]), CancellationToken.None));

        Assert.Equal("image-undecodable", error.ErrorType);
    }

    [Fact]
    public async Task TruncatedInsideTheHeader_IsNotAnImage()
    {
        var error = await Assert.ThrowsAsync<InvalidJobException>(() => _decoder.DecodeAsync(BinaryData.FromBytes(TestImages.Png(16, 16)[..20]), CancellationToken.None));
        Assert.Equal("not-an-image", error.ErrorType);
    }

    [Fact]
    public async Task JpegWhoseHeaderClaimsMoreThanItsData_IsUndecodable_NotAGreyPicture()
    {
        // A 64x64 JPEG whose frame header is patched to claim 6000x6000: libjpeg fills the missing blocks with grey
        // and Skia calls that a success.
        using var noisy = Noise(64, 64);
        var jpeg = JpegWithSize(noisy, 6000, 6000);

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => _decoder.DecodeAsync(BinaryData.FromBytes(jpeg), CancellationToken.None));

        Assert.Equal("image-undecodable", error.ErrorType);
        Assert.Contains("6000x6000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JpegCutShortButEndedWithItsEndMarker_IsUndecodable()
    {
        using var noisy = Noise(128, 128);
        using var data = noisy.Encode(SKEncodedImageFormat.Jpeg, 90);
        var bytes = data.ToArray();
        byte[] cut = [.. bytes[..(bytes.Length * 3 / 4)], 0xFF, 0xD9];

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => _decoder.DecodeAsync(BinaryData.FromBytes(cut), CancellationToken.None));

        Assert.Equal("image-undecodable", error.ErrorType);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(17, 9)]
    [InlineData(300, 200)]
    public async Task WholeJpeg_PassesTheCoverageCheck(int width, int height)
    {
        using var noisy = Noise(width, height);
        using var data = noisy.Encode(SKEncodedImageFormat.Jpeg, 95);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(data.ToArray()));

        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task PngOneMillionAndOnePixelsTall_IsTooLargeForTheDecoder_NotNotAnImage()
    {
        // 1 MP, well within Imaging:MaxPixels, but libpng refuses a side over 1,000,000 before Skia can say why.
        var rows = Enumerable.Repeat(new byte[] { 128 }, 1_000_001).ToArray();
        var png = RawImageWriter.Png(1, 1_000_001, colourType: 0, bitDepth: 8, rows);

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => _decoder.DecodeAsync(BinaryData.FromBytes(png), CancellationToken.None));

        Assert.Equal("image-too-large", error.ErrorType);
        Assert.Contains("1x1000001", error.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 1000000 pixels per side", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PngOneMillionPixelsTall_Decodes()
    {
        var rows = Enumerable.Repeat(new byte[] { 128 }, 1_000_000).ToArray();
        var png = RawImageWriter.Png(1, 1_000_000, colourType: 0, bitDepth: 8, rows);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(png));

        Assert.Equal((1, 1_000_000), (bitmap.Width, bitmap.Height));
        Assert.Equal(new SKColor(128, 128, 128), bitmap.GetPixel(0, 999_999));
    }

    [Fact]
    public async Task ExifOrientation6_IsRotatedClockwise()
    {
        // Stored 60x40 with red/green on top and blue/yellow below. Orientation 6: the viewer turns it 90 degrees
        // clockwise, so the upright image is 40x60 with blue top-left and red top-right.
        var jpeg = RawImageWriter.WithExifOrientation(Quadrants(60, 40), 6);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(jpeg));

        Assert.Equal((40, 60), (bitmap.Width, bitmap.Height));
        AssertNear(Blue, bitmap.GetPixel(5, 5));
        AssertNear(Red, bitmap.GetPixel(34, 5));
        AssertNear(Yellow, bitmap.GetPixel(5, 54));
        AssertNear(Green, bitmap.GetPixel(34, 54));
    }

    [Fact]
    public async Task ExifOrientation8_IsRotatedCounterClockwise()
    {
        // Orientation 8: turned 90 degrees counter-clockwise, the stored top-right (green) becomes the top-left.
        var jpeg = RawImageWriter.WithExifOrientation(Quadrants(60, 40), 8);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(jpeg));

        Assert.Equal((40, 60), (bitmap.Width, bitmap.Height));
        AssertNear(Green, bitmap.GetPixel(5, 5));
        AssertNear(Yellow, bitmap.GetPixel(34, 5));
        AssertNear(Red, bitmap.GetPixel(5, 54));
        AssertNear(Blue, bitmap.GetPixel(34, 54));
    }

    [Fact]
    public async Task ExifOrientation3_IsUpsideDown_AndWithoutExifNothingMoves()
    {
        using var rotated = await DecodeAsync(_decoder, BinaryData.FromBytes(RawImageWriter.WithExifOrientation(Quadrants(60, 40), 3)));
        Assert.Equal((60, 40), (rotated.Width, rotated.Height));
        AssertNear(Yellow, rotated.GetPixel(5, 5));
        AssertNear(Red, rotated.GetPixel(54, 34));

        using var plain = await DecodeAsync(_decoder, BinaryData.FromBytes(Quadrants(60, 40)));
        AssertNear(Red, plain.GetPixel(5, 5));
        AssertNear(Yellow, plain.GetPixel(54, 34));
    }

    [Fact]
    public async Task GrayscalePng_BecomesOpaqueGreyRgba()
    {
        var png = RawImageWriter.Png(4, 2, colourType: 0, bitDepth: 8, [[0, 64, 128, 255], [10, 20, 30, 40]]);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(png));

        Assert.Equal(SKColorType.Rgba8888, bitmap.ColorType);
        Assert.Equal(new SKColor(128, 128, 128, 255), bitmap.GetPixel(2, 0));
        Assert.Equal(new SKColor(40, 40, 40, 255), bitmap.GetPixel(3, 1));
    }

    [Fact]
    public async Task PngWithAlpha_KeepsStraightAlpha()
    {
        var png = RawImageWriter.Png(3, 1, colourType: 6, bitDepth: 8, [[200, 100, 50, 128, 10, 20, 30, 255, 90, 80, 70, 0]]);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(png));

        Assert.Equal(SKAlphaType.Unpremul, bitmap.AlphaType);
        var pixels = bitmap.GetPixelSpan();
        Assert.Equal([200, 100, 50, 128, 10, 20, 30, 255], pixels[..8].ToArray());
        Assert.Equal(0, pixels[11]);
    }

    [Fact]
    public async Task WebPWithAlphaAndExifOrientation_KeepsStraightAlphaThroughTheRotation()
    {
        // Rotating must not round-trip through premultiplied alpha: that would change colours under low alpha,
        // which a mask or inpainting model downstream would see. (Skia reads EXIF from JPEG and WebP, not PNG's eXIf.)
        using var source = new SKBitmap(new SKImageInfo(3, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        source.SetPixel(0, 0, new SKColor(200, 100, 50, 128));
        source.SetPixel(1, 0, new SKColor(9, 200, 77, 3));
        source.SetPixel(2, 0, new SKColor(90, 80, 70, 255));
        Assert.Equal([200, 100, 50, 128], source.GetPixelSpan()[..4].ToArray());
        using var lossless = source.Encode(SKEncodedImageFormat.Webp, 100);
        var webp = RawImageWriter.WebPWithExifOrientation(lossless.ToArray(), 3, 1, 6);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(webp));

        Assert.Equal((1, 3), (bitmap.Width, bitmap.Height));
        Assert.Equal(SKAlphaType.Unpremul, bitmap.AlphaType);
        var pixels = bitmap.GetPixelSpan();
        Assert.Equal([200, 100, 50, 128], pixels.Slice(0, 4).ToArray());
        Assert.Equal([9, 200, 77, 3], pixels.Slice(bitmap.RowBytes, 4).ToArray());
        Assert.Equal([90, 80, 70, 255], pixels.Slice(2 * bitmap.RowBytes, 4).ToArray());
    }

    [Theory]
    [InlineData(255, 0, 0, 255, 255, 0, 0)] // no cyan, full magenta and yellow, no black: red
    [InlineData(255, 127, 255, 255, 255, 127, 255)] // half magenta: pink
    [InlineData(255, 255, 255, 127, 127, 127, 127)] // half black: grey
    public async Task CmykJpeg_IsConvertedToRgb(byte c, byte m, byte y, byte k, byte red, byte green, byte blue)
    {
        // Stored inverted, as Adobe writes CMYK JPEGs: R = c' * k' / 255 and so on.
        var jpeg = RawImageWriter.AdobeCmykJpeg(c, m, y, k);
        using (var codec = SKCodec.Create(new SKMemoryStream(jpeg)))
        {
            Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
        }

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(jpeg));

        Assert.Equal((8, 8), (bitmap.Width, bitmap.Height));
        AssertNear(new SKColor(red, green, blue), bitmap.GetPixel(3, 3), 2);
    }

    [Fact]
    public async Task PalettePng_IsExpandedToRgba()
    {
        // 2-bit indices: 0,1,2,3 in one byte.
        var png = RawImageWriter.Png(4, 1, colourType: 3, bitDepth: 2, [[0b00_01_10_11]],
            palette: [Red.Red, Red.Green, Red.Blue, Green.Red, Green.Green, Green.Blue, Blue.Red, Blue.Green, Blue.Blue, 0, 0, 0]);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(png));

        Assert.Equal([Red, Green, Blue, SKColors.Black], [bitmap.GetPixel(0, 0), bitmap.GetPixel(1, 0), bitmap.GetPixel(2, 0), bitmap.GetPixel(3, 0)]);
    }

    [Fact]
    public async Task SixteenBitPng_IsReducedToEightBits()
    {
        var png = RawImageWriter.Png(1, 1, colourType: 2, bitDepth: 16, [[0xC8, 0xC8, 0x64, 0x64, 0x00, 0x00]]);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(png));

        Assert.Equal(new SKColor(200, 100, 0), bitmap.GetPixel(0, 0));
    }

    [Fact]
    public async Task AnimatedGif_IsItsFirstFrame()
    {
        var gif = RawImageWriter.AnimatedGif(6, 4, Red, Blue);
        using (var codec = SKCodec.Create(new SKMemoryStream(gif)))
        {
            Assert.Equal(2, codec.FrameCount);
        }

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(gif));

        Assert.Equal((6, 4), (bitmap.Width, bitmap.Height));
        Assert.Equal(Red, bitmap.GetPixel(0, 0));
        Assert.Equal(Red, bitmap.GetPixel(5, 3));
    }

    [Fact]
    public async Task WebP_IsDecoded()
    {
        using var source = new SKBitmap(new SKImageInfo(10, 8, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        source.Erase(new SKColor(30, 60, 90, 200));
        using var webp = source.Encode(SKEncodedImageFormat.Webp, 100);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(webp.ToArray()));

        Assert.Equal((10, 8), (bitmap.Width, bitmap.Height));
        var pixel = bitmap.GetPixel(4, 4);
        Assert.Equal(200, pixel.Alpha);
        AssertNear(new SKColor(30, 60, 90), pixel.WithAlpha(255), 2);
    }

    [Fact]
    public async Task Bmp_IsDecodedTopDown()
    {
        var bmp = RawImageWriter.Bmp(5, 3, (x, y) => y == 0 ? Red : x == 4 ? Green : Blue);

        using var bitmap = await DecodeAsync(_decoder, BinaryData.FromBytes(bmp));

        Assert.Equal((5, 3), (bitmap.Width, bitmap.Height));
        Assert.Equal(Red, bitmap.GetPixel(0, 0));
        Assert.Equal(Green, bitmap.GetPixel(4, 2));
        Assert.Equal(Blue, bitmap.GetPixel(0, 2));
    }

    private static ImageDecoder Decoder(ImagingOptions options) => new(Options.Create(options), new MemoryBudget(options.MemoryBudgetBytes));

    private static async Task<SKBitmap> DecodeAsync(ImageDecoder decoder, BinaryData data)
    {
        using var decoded = await decoder.DecodeAsync(data, CancellationToken.None);
        return decoded.Bitmap.Copy();
    }

    /// <summary>The JPEG encoding of <paramref name="image"/> with its frame header (SOF0) patched to claim another size.</summary>
    private static byte[] JpegWithSize(SKBitmap image, int width, int height)
    {
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        var jpeg = data.ToArray();
        var sof = Enumerable.Range(2, jpeg.Length - 10).First(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), (ushort)height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), (ushort)width);
        return jpeg;
    }

    private static void AssertNear(SKColor expected, SKColor actual, int tolerance = 12)
    {
        Assert.True(
            Math.Abs(expected.Red - actual.Red) <= tolerance && Math.Abs(expected.Green - actual.Green) <= tolerance
            && Math.Abs(expected.Blue - actual.Blue) <= tolerance && expected.Alpha == actual.Alpha,
            $"Expected about {expected}, got {actual}.");
    }

    /// <summary>A JPEG in four solid quadrants: red top-left, green top-right, blue bottom-left, yellow bottom-right.</summary>
    private static byte[] Quadrants(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            void Fill(SKColor colour, float x, float y)
            {
                using var paint = new SKPaint { Color = colour };
                canvas.DrawRect(x, y, width / 2f, height / 2f, paint);
            }

            Fill(Red, 0, 0);
            Fill(Green, width / 2f, 0);
            Fill(Blue, 0, height / 2f);
            Fill(Yellow, width / 2f, height / 2f);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        return data.ToArray();
    }

    private static SKBitmap Noise(int width, int height)
    {
        var random = new Random(7);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[width * height * 4];
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }
}
