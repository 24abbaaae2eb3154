using System.Diagnostics;
using CsCheck;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Options;
using SkiaSharp;
using FunctionsWorker.Errors;
using FunctionsWorker.Imaging;

namespace Functions.Tests.Fuzz;

/// <summary>
/// Mutated PNG, JPEG (baseline, progressive, restart markers, EXIF, CMYK), WebP, GIF and BMP files: each ends in an
/// image within the limits or a permanent <see cref="InvalidJobException"/>, within a time limit, with bounded
/// managed allocation and nothing left reserved in the memory budget.
/// </summary>
public sealed class ImageDecoderFuzzTests
{
    private const long MaxPixels = 4_000_000;
    private const long ManagedBytesPerInput = 16L * 1024 * 1024;
    private static readonly TimeSpan TimePerInput = TimeSpan.FromSeconds(10);

    private static readonly Lazy<byte[][]> Seeds = new(CreateSeeds);

    [Fact]
    public async Task MutatedImages_DecodeWithinLimitsOrAreRejectedAsInvalid()
    {
        var inputs = Gen.Select(Gen.Int[0, Seeds.Value.Length - 1], Gen.Int, Gen.Int[1, 6], (seed, random, count) => Mutator.Mutate(Seeds.Value[seed], random, count));
        var executions = 0L;
        var decoded = 0L;
        var rejections = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var watch = Stopwatch.StartNew();

        await inputs.SampleAsync(async bytes =>
        {
            Interlocked.Increment(ref executions);
            var outcome = await DecodeOnce(bytes);
            if (outcome is null)
            {
                Interlocked.Increment(ref decoded);
            }
            else
            {
                rejections.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        }, iter: FuzzRun.Iterations(200), threads: FuzzRun.Threads, seed: FuzzRun.Seed, print: bytes => Convert.ToBase64String(bytes));

        FuzzRun.Record("decoder/mutated", executions, watch.Elapsed,
            $"decoded {decoded}; " + string.Join(", ", rejections.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));
    }

    [Fact]
    public async Task UnmutatedSeeds_AllDecode()
    {
        foreach (var seed in Seeds.Value)
        {
            Assert.Null(await DecodeOnce(seed));
        }
    }

    /// <summary>Decodes once under every check; null when decoded, else the rejection's error type.</summary>
    internal static async Task<string?> DecodeOnce(byte[] bytes)
    {
        var budget = new MemoryBudget(256L * 1024 * 1024);
        var decoder = new ImageDecoder(Options.Create(new ImagingOptions { MaxPixels = MaxPixels, MaxInputBytes = 1024 * 1024 }), budget);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        string? outcome = null;
        try
        {
            // The budget has room, so the decode runs synchronously on this thread and the allocation count is its own.
            var decode = decoder.DecodeAsync(BinaryData.FromBytes(bytes), CancellationToken.None);
            using var image = await decode.WaitAsync(TimePerInput);
            Assert.InRange((long)image.Bitmap.Width * image.Bitmap.Height, 1, MaxPixels);
            Assert.Equal(SKColorType.Rgba8888, image.Bitmap.ColorType);
        }
        catch (InvalidJobException ex)
        {
            Assert.Equal(FailureClass.Permanent, ex.FailureClass);
            outcome = ex.ErrorType;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < ManagedBytesPerInput, $"{allocated} managed bytes allocated for a {bytes.Length}-byte input");
        Assert.Equal(0, budget.ReservedBytes);
        return outcome;
    }

    private static byte[][] CreateSeeds()
    {
        using var photo = new SKBitmap(new SKImageInfo(24, 16, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var random = new Random(11);
        for (var y = 0; y < photo.Height; y++)
        {
            for (var x = 0; x < photo.Width; x++)
            {
                photo.SetPixel(x, y, new SKColor((byte)(x * 10), (byte)(y * 15), (byte)random.Next(256), (byte)(128 + random.Next(128))));
            }
        }

        byte[] Encode(SKEncodedImageFormat format, int quality)
        {
            using var data = photo.Encode(format, quality);
            return data.ToArray();
        }

        var jpeg = Encode(SKEncodedImageFormat.Jpeg, 80);
        var fixtures = Path.Combine(RepositoryPaths.Root, "Functions.Tests", "Fixtures", "fuzz");
        return
        [
            Encode(SKEncodedImageFormat.Png, 100),
            jpeg,
            RawImageWriter.WithExifOrientation(jpeg, 6),
            Encode(SKEncodedImageFormat.Webp, 80),
            Encode(SKEncodedImageFormat.Webp, 100),
            RawImageWriter.AnimatedGif(6, 4, SKColors.Red, SKColors.Blue),
            RawImageWriter.Bmp(5, 3, (x, y) => new SKColor((byte)(x * 40), (byte)(y * 80), 7)),
            RawImageWriter.Png(4, 2, colourType: 0, bitDepth: 8, [[0, 64, 128, 255], [10, 20, 30, 40]]),
            RawImageWriter.Png(4, 1, colourType: 3, bitDepth: 2, [[0b00_01_10_11]], palette: [255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0]),
            RawImageWriter.Png(1, 1, colourType: 2, bitDepth: 16, [[0xC8, 0xC8, 0x64, 0x64, 0x00, 0x00]]),
            RawImageWriter.AdobeCmykJpeg(255, 0, 0, 255),
            File.ReadAllBytes(Path.Combine(fixtures, "seed-progressive.jpg")),
            File.ReadAllBytes(Path.Combine(fixtures, "seed-restart.jpg")),
        ];
    }
}
