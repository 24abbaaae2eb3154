using SkiaSharp;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>Draws every box that was read over the input image, for checking what the pipeline saw.</summary>
internal static class OcrOverlay
{
    public static SKBitmap Draw(SKBitmap image, IReadOnlyList<OcrBox> boxes)
    {
        var overlay = image.Copy();
        using var canvas = new SKCanvas(overlay);
        using var stroke = new SKPaint
        {
            Color = new SKColor(230, 30, 30),
            Style = SKPaintStyle.Stroke,
            StrokeWidth = Math.Max(2f, Math.Max(image.Width, image.Height) / 500f),
            IsAntialias = true,
        };
        foreach (var box in boxes)
        {
            using var path = new SKPath();
            path.AddPoly(box.Box.ToArray(), close: true);
            canvas.DrawPath(path, stroke);
        }

        return overlay;
    }
}
