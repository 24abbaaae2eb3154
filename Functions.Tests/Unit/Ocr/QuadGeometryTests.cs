using SkiaSharp;
using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Unit.Ocr;

public sealed class QuadGeometryTests
{
    [Fact]
    public void MinAreaRect_OfAxisAlignedPoints_IsTheirBoundingBox_InCornerOrder()
    {
        SKPoint[] points = [new(10, 20), new(50, 20), new(50, 30), new(10, 30), new(30, 25), new(20, 21)];

        var (box, shortSide) = QuadGeometry.MinAreaRect(points);

        AssertClose(new SKPoint(10, 20), box.TopLeft);
        AssertClose(new SKPoint(50, 20), box.TopRight);
        AssertClose(new SKPoint(50, 30), box.BottomRight);
        AssertClose(new SKPoint(10, 30), box.BottomLeft);
        Assert.Equal(10f, shortSide, 3);
    }

    [Fact]
    public void MinAreaRect_OfRotatedRectangle_RecoversIt()
    {
        // A 40 x 10 rectangle turned by 30 degrees about (100, 100), sampled densely along its outline.
        var angle = 30 * Math.PI / 180;
        var points = new List<SKPoint>();
        for (var u = -20.0; u <= 20; u += 1)
        {
            foreach (var v in new[] { -5.0, 5.0 })
            {
                points.Add(new SKPoint((float)(100 + (u * Math.Cos(angle)) - (v * Math.Sin(angle))), (float)(100 + (u * Math.Sin(angle)) + (v * Math.Cos(angle)))));
            }
        }

        var (box, shortSide) = QuadGeometry.MinAreaRect(points);

        Assert.Equal(10f, shortSide, 2);
        Assert.Equal(40f, box.Width, 2);
        Assert.Equal(400.0, QuadGeometry.Area(box.ToArray()), 1);
    }

    [Fact]
    public void OrderCorners_PutsUpperLeftFirst_Clockwise()
    {
        var quad = QuadGeometry.OrderCorners([new SKPoint(50, 30), new SKPoint(10, 20), new SKPoint(10, 30), new SKPoint(50, 20)]);

        Assert.Equal(new TextQuad(new(10, 20), new(50, 20), new(50, 30), new(10, 30)), quad);
    }

    [Fact]
    public void Unclip_GrowsARectangle_ByAreaTimesRatioOverPerimeter_OnEverySide()
    {
        // 100 x 20: area 2000, perimeter 240, ratio 1.5 -> distance 12.5.
        SKPoint[] rectangle = [new(0, 0), new(100, 0), new(100, 20), new(0, 20)];

        var (grown, shortSide) = QuadGeometry.MinAreaRect(QuadGeometry.Unclip(rectangle, 1.5));

        Assert.Equal(45f, shortSide, 2);
        AssertClose(new SKPoint(-12.5f, -12.5f), grown.TopLeft);
        AssertClose(new SKPoint(112.5f, 32.5f), grown.BottomRight);
    }

    [Fact]
    public void Unclip_IsTheSameForEitherWinding()
    {
        SKPoint[] clockwise = [new(0, 0), new(100, 0), new(100, 20), new(0, 20)];
        SKPoint[] counter = [.. clockwise.Reverse()];

        var a = QuadGeometry.MinAreaRect(QuadGeometry.Unclip(clockwise, 1.5)).Box;
        var b = QuadGeometry.MinAreaRect(QuadGeometry.Unclip(counter, 1.5)).Box;

        AssertClose(a.TopLeft, b.TopLeft);
        AssertClose(a.BottomRight, b.BottomRight);
    }

    private static void AssertClose(SKPoint expected, SKPoint actual)
    {
        Assert.Equal(expected.X, actual.X, 2);
        Assert.Equal(expected.Y, actual.Y, 2);
    }
}
