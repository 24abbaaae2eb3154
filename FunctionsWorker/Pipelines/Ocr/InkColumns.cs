namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// Which pixel columns of a text strip hold ink. Polarity-free: the background is the strip's median luminance (text
/// covers the minority of a strip) and ink is whatever differs from it by at least half the strip's contrast, so
/// dark-on-light and light-on-dark read alike and anti-aliased fringes between letters do not count.
/// </summary>
internal static class InkColumns
{
    /// <summary>Below this contrast (0-255) a strip has no legible ink; every column is then reported as inked.</summary>
    public const int MinContrast = 40;

    /// <summary>Columns of an RGBA8888 image (<paramref name="rowBytes"/> per row); true where any pixel is ink.</summary>
    public static bool[] Find(ReadOnlySpan<byte> rgba, int width, int height, int rowBytes)
    {
        var luminance = new byte[width * height];
        var histogram = new int[256];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = (y * rowBytes) + (x * 4);
                var l = (byte)(((299 * rgba[p]) + (587 * rgba[p + 1]) + (114 * rgba[p + 2]) + 500) / 1000);
                luminance[(y * width) + x] = l;
                histogram[l]++;
            }
        }

        var background = Median(histogram, luminance.Length);
        var contrast = 0;
        foreach (var l in luminance)
        {
            contrast = Math.Max(contrast, Math.Abs(l - background));
        }

        var columns = new bool[width];
        if (contrast < MinContrast)
        {
            // Nothing stands out: claim ink everywhere so no gap, and no space, is inferred from noise.
            Array.Fill(columns, true);
            return columns;
        }

        var threshold = (contrast + 1) / 2;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (Math.Abs(luminance[(y * width) + x] - background) >= threshold)
                {
                    columns[x] = true;
                }
            }
        }

        return columns;
    }

    private static int Median(int[] histogram, int count)
    {
        var seen = 0;
        for (var l = 0; l < histogram.Length; l++)
        {
            seen += histogram[l];
            if (seen * 2 >= count)
            {
                return l;
            }
        }

        return histogram.Length - 1;
    }
}
