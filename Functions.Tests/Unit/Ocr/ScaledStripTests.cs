using FunctionsWorker.Pipelines.Ocr;
using SkiaSharp;

namespace Functions.Tests.Unit.Ocr;

public sealed class ScaledStripTests
{
    private const int Height = TextRecognizer.InputHeight;

    private const int Margin = TextRecognizer.InkMargin;

    [Fact]
    public void From_ScalesToTheHeight_KeepingTheRatio_AndFindsTheInk()
    {
        // 100 x 24 with ink in columns 10-29: at height 48, 200 wide, ink in 20-59.
        using var source = Strip(100, 24, (10, 30));

        using var scaled = ScaledStrip.From(source, Height);

        Assert.Equal((200, Height), (scaled.Width, scaled.Bitmap.Height));
        Assert.True(scaled.Ink[25] && scaled.Ink[55]);
        Assert.False(scaled.Ink[5] || scaled.Ink[100]);
    }

    [Fact]
    public void LongStrip_IsCutInItsWordGaps_OnStepColumns_EachPieceWithinTheLimit()
    {
        // Words of 150 columns with 20-column gaps (word-sized at height 48), 2000 columns in all.
        var words = Enumerable.Range(0, 12).Select(i => (From: 10 + (i * 170), To: 160 + (i * 170))).ToArray();
        using var scaled = ScaledStrip.From(Strip(2000, Height, words), Height);

        var pieces = scaled.Split(960, 8, Margin);

        Assert.True(pieces.Count >= 3, $"{pieces.Count} pieces");
        Assert.Equal(0, pieces[0].Offset);
        Assert.Equal(scaled.Width, pieces[^1].Offset + pieces[^1].Width);
        Assert.All(pieces, piece => Assert.InRange(piece.Width, 1, 960));
        for (var i = 1; i < pieces.Count; i++)
        {
            var cut = pieces[i].Offset;
            Assert.Equal(pieces[i - 1].Offset + pieces[i - 1].Width, cut);
            Assert.Equal(0, cut % 8);
            Assert.DoesNotContain(words, word => cut >= word.From && cut < word.To);
        }
    }

    [Fact]
    public void StripWithinTheLimit_StaysOnePiece_EndingTheMarginPastTheInk()
    {
        using var scaled = ScaledStrip.From(Strip(900, Height, (10, 200), (230, 800)), Height);

        Assert.Equal([(0, 800 + Margin)], scaled.Split(960, 8, Margin));
    }

    [Fact]
    public void BlankEitherSideOfTheInk_IsLeftOutPastTheMargin_TheStartOnAStepColumn()
    {
        using var scaled = ScaledStrip.From(Strip(600, Height, (100, 300)), Height);

        var piece = Assert.Single(scaled.Split(960, 8, Margin));

        // First ink at 100: the start is the step column at or before 100 - margin; the end the margin past the last
        // ink (299).
        Assert.Equal(0, piece.Offset % 8);
        Assert.InRange(100 - piece.Offset, Margin, Margin + 7);
        Assert.Equal(300 + Margin, piece.Offset + piece.Width);
    }

    [Fact]
    public void StripWithoutInk_IsReadWhole()
    {
        // A blank strip has no contrast: every column counts as ink, so nothing is left out.
        using var scaled = ScaledStrip.From(Strip(400, Height), Height);

        Assert.Equal([(0, 400)], scaled.Split(960, 8, Margin));
    }

    [Fact]
    public void LongStripWithoutAWordGap_StaysWhole_NoCutGoesThroughInk()
    {
        // Ink with 6-column gaps only: letter spacing, not a word break.
        var letters = Enumerable.Range(0, 100).Select(i => (From: i * 20, To: (i * 20) + 14)).ToArray();
        using var scaled = ScaledStrip.From(Strip(2000, Height, letters), Height);

        Assert.Equal([(0, 2000)], scaled.Split(960, 8, Margin));
    }

    [Fact]
    public void OnlyGapPastTheLimit_CutsThere_ThePieceAsShortAsItCanBe()
    {
        // One word of 1200 columns, a gap, then 300 more: the only cut is after the limit.
        using var scaled = ScaledStrip.From(Strip(1560, Height, (10, 1210), (1240, 1540)), Height);

        var pieces = scaled.Split(960, 8, Margin);

        Assert.Equal(2, pieces.Count);
        Assert.InRange(pieces[0].Width, 1211, 1239);
    }

    /// <summary>White strip with black ink over the full height in the given column ranges (end exclusive).</summary>
    private static SKBitmap Strip(int width, int height, params (int From, int To)[] ink)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { Color = SKColors.Black };
        canvas.Clear(SKColors.White);
        foreach (var (from, to) in ink)
        {
            canvas.DrawRect(from, height / 4f, to - from, height / 2f, paint);
        }

        return bitmap;
    }
}
