using FunctionsWorker.Pipelines.Ocr;


namespace Functions.Tests.Unit.Ocr;

public sealed class DbPostProcessorTests
{
    private readonly DbPostProcessor _processor = new(binaryThreshold: 0.3f, boxThreshold: 0.6f, unclipRatio: 1.5f, maxCandidates: 1000);

    [Fact]
    public void Process_FindsEachRegion_Unclipped_AndScaledToTheImage()
    {
        // 64 x 32 map with one 40 x 6 text kernel; the image is twice the map's size.
        var map = new float[64 * 32];
        Fill(map, 64, x0: 10, y0: 10, width: 41, height: 7, value: 0.9f);

        var boxes = _processor.Process(map, 64, 32, 128, 64);

        var box = Assert.Single(boxes);
        // Kernel rectangle 40 x 6 (pixel centres): area 240, perimeter 92, offset 240 * 1.5 / 92 = 3.91 map pixels.
        Assert.Equal((10 - 3.91f) * 2, box.TopLeft.X, 0);
        Assert.Equal((10 - 3.91f) * 2, box.TopLeft.Y, 0);
        Assert.Equal((50 + 3.91f) * 2, box.BottomRight.X, 0);
        Assert.Equal((16 + 3.91f) * 2, box.BottomRight.Y, 0);
    }

    [Fact]
    public void Process_DropsWeakRegions_AndSlivers()
    {
        var map = new float[64 * 32];
        Fill(map, 64, x0: 5, y0: 5, width: 30, height: 6, value: 0.5f); // above 0.3 but scores under 0.6
        Fill(map, 64, x0: 5, y0: 20, width: 30, height: 2, value: 0.95f); // too thin

        Assert.Empty(_processor.Process(map, 64, 32, 64, 32));
    }

    [Fact]
    public void Process_SeparatesRegions()
    {
        var map = new float[64 * 32];
        Fill(map, 64, x0: 2, y0: 4, width: 20, height: 6, value: 0.9f);
        Fill(map, 64, x0: 30, y0: 4, width: 20, height: 6, value: 0.9f);
        Fill(map, 64, x0: 2, y0: 20, width: 40, height: 6, value: 0.9f);

        Assert.Equal(3, _processor.Process(map, 64, 32, 64, 32).Count);
    }

    private static void Fill(float[] map, int stride, int x0, int y0, int width, int height, float value)
    {
        for (var y = y0; y < y0 + height; y++)
        {
            for (var x = x0; x < x0 + width; x++)
            {
                map[(y * stride) + x] = value;
            }
        }
    }
}
