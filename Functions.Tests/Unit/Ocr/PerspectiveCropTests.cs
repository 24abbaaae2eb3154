using SkiaSharp;
using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Unit.Ocr;

public sealed class PerspectiveCropTests
{
    [Fact]
    public void Homography_MapsEachCorner()
    {
        SKPoint[] from = [new(12, 30), new(210, 18), new(215, 70), new(15, 80)];
        SKPoint[] to = [new(0, 0), new(200, 0), new(200, 50), new(0, 50)];

        var matrix = PerspectiveCrop.Homography(from, to);

        for (var i = 0; i < 4; i++)
        {
            var mapped = matrix.MapPoint(from[i]);
            Assert.Equal(to[i].X, mapped.X, 2);
            Assert.Equal(to[i].Y, mapped.Y, 2);
        }
    }

    [Fact]
    public void Crop_CutsTheQuadUpright()
    {
        // A white image with a black 60 x 20 block at (40, 30): cropping exactly that block gives a black strip.
        using var bitmap = new SKBitmap(new SKImageInfo(200, 100, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.Black })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawRect(40, 30, 60, 20, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var strip = PerspectiveCrop.Crop(image, new TextQuad(new(40, 30), new(100, 30), new(100, 50), new(40, 50)));

        Assert.Equal((60, 20), (strip.Width, strip.Height));
        Assert.True(strip.GetPixel(30, 10).Red < 20);
        Assert.True(strip.GetPixel(2, 2).Red < 40);
    }

    [Fact]
    public void Crop_TurnsTallStrips_CounterClockwise()
    {
        // Left half red, right half blue, in a 20 x 60 quad: after a quarter turn counter-clockwise red is at the bottom.
        using var bitmap = new SKBitmap(new SKImageInfo(20, 60, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var red = new SKPaint { Color = SKColors.Red })
        using (var blue = new SKPaint { Color = SKColors.Blue })
        {
            canvas.DrawRect(0, 0, 10, 60, red);
            canvas.DrawRect(10, 0, 10, 60, blue);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var strip = PerspectiveCrop.Crop(image, new TextQuad(new(0, 0), new(20, 0), new(20, 60), new(0, 60)));

        Assert.Equal((60, 20), (strip.Width, strip.Height));
        Assert.True(strip.GetPixel(30, 17).Red > 200, "bottom is red");
        Assert.True(strip.GetPixel(30, 2).Blue > 200, "top is blue");
    }
}
