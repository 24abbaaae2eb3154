namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// RGBA8888 pixels into the B, G, R float planes the PaddleOCR models take (cv2 reads BGR), each byte normalised through a
/// table of its 256 values: the same floats as computing each one, without a division per channel per pixel (the
/// detector's packing took 6-14 ms an image that way).
/// </summary>
internal sealed class BgrPlanes
{
    private readonly float[] _b;
    private readonly float[] _g;
    private readonly float[] _r;

    /// <param name="normalise">The value for a byte of a channel, channels in model order (0 = B, 1 = G, 2 = R).</param>
    public BgrPlanes(Func<int, byte, float> normalise)
    {
        _b = Table(0, normalise);
        _g = Table(1, normalise);
        _r = Table(2, normalise);
    }

    /// <summary>(v / 127.5) - 1 for every channel: the recogniser and the direction classifier.</summary>
    public static BgrPlanes Symmetric { get; } = new((_, v) => (v / 127.5f) - 1f);

    /// <summary>
    /// Columns <paramref name="left"/> to <paramref name="left"/> + <paramref name="width"/> of <paramref name="height"/> rows
    /// into <paramref name="planes"/>: three planes of <paramref name="planeWidth"/> x <paramref name="height"/>, each row
    /// written from its start; what lies past <paramref name="width"/> is left as it is (the padding).
    /// </summary>
    public void Write(ReadOnlySpan<byte> rgba, int rowBytes, int left, int width, int height, Span<float> planes, int planeWidth)
    {
        var plane = planeWidth * height;
        for (var y = 0; y < height; y++)
        {
            var row = rgba.Slice((y * rowBytes) + (left * 4), width * 4);
            var b = planes.Slice(y * planeWidth, width);
            var g = planes.Slice(plane + (y * planeWidth), width);
            var r = planes.Slice((2 * plane) + (y * planeWidth), width);
            for (var x = 0; x < width; x++)
            {
                r[x] = _r[row[4 * x]];
                g[x] = _g[row[(4 * x) + 1]];
                b[x] = _b[row[(4 * x) + 2]];
            }
        }
    }

    private static float[] Table(int channel, Func<int, byte, float> normalise)
    {
        var table = new float[256];
        for (var v = 0; v < table.Length; v++)
        {
            table[v] = normalise(channel, (byte)v);
        }

        return table;
    }
}
