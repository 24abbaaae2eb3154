using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Unit.Ocr;

public sealed class ShapeBucketsTests
{
    [Theory]
    [InlineData(32, 160)]
    [InlineData(160, 160)]
    [InlineData(448, 480)]
    [InlineData(960, 960)]
    public void DetectionSide_PadsUpToTheStep(int side, int expected) => Assert.Equal(expected, ShapeBuckets.DetectionSide(side));

    [Theory]
    [InlineData(320, 320)]
    [InlineData(321, 480)]
    [InlineData(1000, 1280)]
    [InlineData(1921, 2560)]
    [InlineData(3000, 3200)]
    public void RecognitionWidth_PadsUpToABucket(int width, int expected) => Assert.Equal(expected, ShapeBuckets.RecognitionWidth(width));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 6)]
    [InlineData(6, 6)]
    public void RecognitionCount_PadsToOneTwoFourOrTheBatch(int count, int expected) => Assert.Equal(expected, ShapeBuckets.RecognitionCount(count, 6));

    [Fact]
    public void WarmedShapes_CoverEveryShapeAJobCanGet()
    {
        var detection = ShapeBuckets.DetectionShapes(960).ToHashSet();
        for (var w = 32; w <= 960; w += 32)
        {
            for (var h = 32; h <= 960; h += 32)
            {
                Assert.Contains((ShapeBuckets.DetectionSide(w), ShapeBuckets.DetectionSide(h)), detection);
            }
        }

        var recognition = ShapeBuckets.RecognitionShapes(6).ToHashSet();
        for (var n = 1; n <= 6; n++)
        {
            foreach (var width in new[] { 320, 700, 1900 })
            {
                Assert.Contains((ShapeBuckets.RecognitionCount(n, 6), ShapeBuckets.RecognitionWidth(width)), recognition);
            }
        }
    }
}
