namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>The detector's input size: the image scaled so its long side is at most a limit, each side a multiple of 32.</summary>
internal static class DetectionSize
{
    /// <summary>The DB network downsamples by 32, so both sides must be multiples of it.</summary>
    public const int Multiple = 32;

    /// <summary>Upper bound of <c>maxSide</c>: beyond it the probability map costs more memory than it gains detail.</summary>
    public const int MaxSideLimit = 4096;

    /// <summary>
    /// Scales down (never up) to fit <paramref name="maxSide"/>, then rounds each side to the nearest multiple of 32
    /// (at least 32), stepping down one multiple when rounding up would pass the limit.
    /// </summary>
    public static (int Width, int Height) Compute(int width, int height, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, Multiple);

        var longSide = Math.Max(width, height);
        var ratio = longSide > maxSide ? (double)maxSide / longSide : 1.0;
        return (Round((int)(width * ratio), maxSide), Round((int)(height * ratio), maxSide));
    }

    private static int Round(int side, int maxSide)
    {
        var rounded = (int)Math.Round(side / (double)Multiple, MidpointRounding.ToEven) * Multiple;
        if (rounded > maxSide)
        {
            rounded -= Multiple;
        }

        return Math.Max(rounded, Multiple);
    }
}
