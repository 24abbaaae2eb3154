using SkiaSharp;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>A text region's four corners, clockwise from the top-left, in image pixels.</summary>
internal readonly record struct TextQuad(SKPoint TopLeft, SKPoint TopRight, SKPoint BottomRight, SKPoint BottomLeft)
{
    /// <summary>Length of the longer of the top and bottom edges.</summary>
    public float Width => Math.Max(SKPoint.Distance(TopLeft, TopRight), SKPoint.Distance(BottomRight, BottomLeft));

    /// <summary>Length of the longer of the left and right edges.</summary>
    public float Height => Math.Max(SKPoint.Distance(TopLeft, BottomLeft), SKPoint.Distance(TopRight, BottomRight));

    public SKPoint[] ToArray() => [TopLeft, TopRight, BottomRight, BottomLeft];

    public TextQuad Select(Func<SKPoint, SKPoint> map) => new(map(TopLeft), map(TopRight), map(BottomRight), map(BottomLeft));
}
