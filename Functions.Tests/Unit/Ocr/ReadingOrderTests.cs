using SkiaSharp;
using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Unit.Ocr;

public sealed class ReadingOrderTests
{
    [Fact]
    public void Sort_TopToBottom()
    {
        TextQuad[] boxes = [Box(10, 100), Box(10, 10), Box(10, 50)];

        Assert.Equal([1, 2, 0], ReadingOrder.Sort(boxes));
    }

    [Fact]
    public void Sort_SameLine_LeftToRight_EvenWhenTheRightBoxIsSlightlyHigher()
    {
        // The right box's top is 6 px higher (a price column, a tilted scan): same line, so it still reads second.
        TextQuad[] boxes = [Box(300, 44), Box(20, 50), Box(20, 90)];

        Assert.Equal([1, 0, 2], ReadingOrder.Sort(boxes));
    }

    [Fact]
    public void Sort_TenPixelsApart_IsTheNextLine()
    {
        TextQuad[] boxes = [Box(300, 40), Box(20, 50)];

        Assert.Equal([0, 1], ReadingOrder.Sort(boxes));
    }

    private static TextQuad Box(float x, float y) =>
        new(new SKPoint(x, y), new SKPoint(x + 100, y), new SKPoint(x + 100, y + 20), new SKPoint(x, y + 20));
}
