using SkiaSharp;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// A text strip resized to the recogniser's height, ratio kept, with the columns that hold ink; long strips split into
/// pieces at word gaps (<see cref="Split"/>).
/// </summary>
internal sealed class ScaledStrip : IDisposable
{
    private ScaledStrip(SKBitmap bitmap, bool[] ink)
    {
        Bitmap = bitmap;
        Ink = ink;
    }

    public SKBitmap Bitmap { get; }

    /// <summary>Which columns hold ink (<see cref="InkColumns"/>).</summary>
    public bool[] Ink { get; }

    public int Width => Bitmap.Width;

    public static ScaledStrip From(SKBitmap strip, int height)
    {
        var width = Math.Max(1, (int)MathF.Ceiling(height * strip.Width / (float)strip.Height));
        var resized = strip.Resize(
            new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque),
            new SKSamplingOptions(SKFilterMode.Linear));
        return new ScaledStrip(resized, InkColumns.Find(resized.GetPixelSpan(), width, height, resized.RowBytes));
    }

    /// <summary>
    /// The inked part of the strip, with <paramref name="margin"/> blank columns kept either side (its start on a
    /// multiple of <paramref name="align"/>), in pieces of at most <paramref name="maxWidth"/> columns where the strip
    /// allows it, cut in the widest word-sized ink-free run (at least <see cref="WordGapSpacer.MinGapRatio"/> of the
    /// height) of the second half of each piece, at a column that is a multiple of <paramref name="align"/> (the model's
    /// pixels per time step, so the pieces' steps line up with the whole strip's). No cut goes through ink: a strip
    /// without such runs stays whole. A strip without ink (<see cref="InkColumns"/> claims every column then) is whole.
    /// </summary>
    public List<(int Offset, int Width)> Split(int maxWidth, int align, int margin)
    {
        var pieces = new List<(int Offset, int Width)>();
        var cuts = WordGapSpacer.Gaps(Ink)
            .Where(gap => gap.Width >= WordGapSpacer.MinGapRatio * Bitmap.Height)
            .Select(gap => (Cut: AlignedCut(gap.Middle, gap.Width, align), gap.Width))
            .Where(gap => gap.Cut is { } cut && cut > 0 && cut < Width)
            .Select(gap => (Cut: gap.Cut.GetValueOrDefault(), gap.Width))
            .ToList();
        var start = Math.Max(0, (Array.IndexOf(Ink, true) - margin) / align * align);
        var end = Math.Min(Width, Array.LastIndexOf(Ink, true) + 1 + margin);
        while (end - start > maxWidth)
        {
            var within = cuts.Where(gap => gap.Cut >= start + (maxWidth / 2) && gap.Cut <= start + maxWidth).ToList();
            // Nothing to cut at within the limit: the first run past it, so the piece is only as long as it must be.
            var chosen = within.Count > 0
                ? within.MaxBy(gap => (gap.Width, gap.Cut)).Cut
                : cuts.Where(gap => gap.Cut > start + maxWidth).Select(gap => gap.Cut).DefaultIfEmpty(-1).First();
            if (chosen < 0)
            {
                break;
            }

            pieces.Add((start, chosen - start));
            start = chosen;
        }

        pieces.Add((start, end - start));
        return pieces;
    }

    public void Dispose() => Bitmap.Dispose();

    /// <summary>
    /// The multiple of <paramref name="align"/> nearest the run's middle, or null when it falls outside the run (one
    /// lies inside any run at least that wide).
    /// </summary>
    private static int? AlignedCut(float middle, int width, int align)
    {
        var cut = (int)MathF.Round(middle / align) * align;
        return Math.Abs(cut - middle) <= width / 2f ? cut : null;
    }
}
