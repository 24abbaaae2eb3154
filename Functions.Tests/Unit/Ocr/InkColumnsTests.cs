using FunctionsWorker.Pipelines.Ocr;


namespace Functions.Tests.Unit.Ocr;

public sealed class InkColumnsTests
{
    [Theory]
    [InlineData(250, 20)]
    [InlineData(30, 230)]
    public void Ink_IsWhatDiffersFromTheBackground_EitherPolarity(byte paper, byte ink)
    {
        // 10 x 4 strip of paper with strokes in columns 2-3 and 7, and a faint fringe (a tenth of the contrast) at 5.
        var pixels = Strip(10, 4, paper);
        Paint(pixels, 10, [2, 3, 7], ink);
        Paint(pixels, 10, [5], (byte)(paper + ((ink - paper) / 10)));

        var columns = InkColumns.Find(pixels, 10, 4, 10 * 4);

        Assert.Equal([false, false, true, true, false, false, false, true, false, false], columns);
    }

    [Fact]
    public void FlatStrip_ClaimsInkEverywhere_SoNoGapIsInferred()
    {
        var pixels = Strip(6, 3, 128);
        Paint(pixels, 6, [1], 140);

        Assert.All(InkColumns.Find(pixels, 6, 3, 6 * 4), Assert.True);
    }

    private static byte[] Strip(int width, int height, byte grey)
    {
        var pixels = new byte[width * height * 4];
        for (var i = 0; i < pixels.Length; i += 4)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (grey, grey, grey, 255);
        }

        return pixels;
    }

    /// <summary>Paints the middle rows of the given columns (the top and bottom rows stay paper).</summary>
    private static void Paint(byte[] pixels, int width, int[] columns, byte grey)
    {
        var height = pixels.Length / 4 / width;
        foreach (var x in columns)
        {
            for (var y = 1; y < Math.Max(2, height - 1); y++)
            {
                var p = ((y * width) + x) * 4;
                (pixels[p], pixels[p + 1], pixels[p + 2]) = (grey, grey, grey);
            }
        }
    }
}
