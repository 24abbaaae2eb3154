using SkiaSharp;
using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Unit.Ocr;

public sealed class LineGrouperTests
{
    [Fact]
    public void PriceRow_TwoBoxesFarApart_IsOneLine_LabelFirst()
    {
        var lines = LineGrouper.Group([Box("2.80", 600, 100, 50, 22), Box("Espresso", 30, 98, 100, 27, tilt: 3)]);

        var line = Assert.Single(lines);
        Assert.Equal("Espresso 2.80", line.Text);
        Assert.Equal([1, 0], line.Boxes);
    }

    [Fact]
    public void ConsecutiveLines_StayApart_TopToBottom()
    {
        var lines = LineGrouper.Group([Box("second", 30, 140, 200, 24), Box("first", 30, 100, 200, 24)]);

        Assert.Equal(["first", "second"], lines.Select(l => l.Text));
    }

    [Fact]
    public void TiltedRow_IsOneLine()
    {
        // 3 degrees: the right box sits 26 px lower, 500 px further along.
        var lines = LineGrouper.Group([Box("left", 0, 100, 200, 30, tilt: 10), Box("right", 500, 126, 200, 30, tilt: 10)]);

        Assert.Equal("left right", Assert.Single(lines).Text);
    }

    [Fact]
    public void HeadingBesideSmallPrint_StaysApart()
    {
        var lines = LineGrouper.Group([Box("HEADING", 0, 100, 400, 80), Box("small", 500, 130, 60, 20)]);

        Assert.Equal(2, lines.Count);
    }

    [Fact]
    public void UpsideDownPage_ReadsBottomToTop_RightToLeft()
    {
        var lines = LineGrouper.Group(
        [
            Box("2.80", 30, 100, 50, 22, flipped: true), Box("Espresso", 500, 100, 100, 22, flipped: true),
            Box("Title", 30, 40, 200, 22, flipped: true),
        ]);

        Assert.Equal(["Espresso 2.80", "Title"], lines.Select(l => l.Text));
    }

    private static OcrBox Box(string text, float x, float y, float width, float height, float tilt = 0, bool flipped = false) =>
        new(text, 0.9f, new TextQuad(new SKPoint(x, y), new SKPoint(x + width, y + tilt), new SKPoint(x + width, y + tilt + height), new SKPoint(x, y + height)), flipped);
}
