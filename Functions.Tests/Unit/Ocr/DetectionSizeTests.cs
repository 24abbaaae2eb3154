using FunctionsWorker.Pipelines.Ocr;


namespace Functions.Tests.Unit.Ocr;

public sealed class DetectionSizeTests
{
    [Theory]
    [InlineData(1920, 1080, 960, 960, 544)] // 540 rounds to 544
    [InlineData(1080, 1920, 960, 544, 960)]
    [InlineData(640, 480, 960, 640, 480)] // already fits: never scaled up
    [InlineData(100, 50, 960, 96, 64)] // 50 -> 64 (nearest multiple), 100 -> 96
    [InlineData(10, 10, 960, 32, 32)] // at least one multiple
    [InlineData(3000, 1000, 1000, 992, 320)] // 1000 would round up past the limit: one multiple down
    [InlineData(4000, 16, 960, 960, 32)]
    public void Compute_FitsLongSide_AndRoundsToMultiplesOf32(int width, int height, int maxSide, int expectedWidth, int expectedHeight)
    {
        var (w, h) = DetectionSize.Compute(width, height, maxSide);

        Assert.Equal((expectedWidth, expectedHeight), (w, h));
        Assert.Equal(0, w % 32);
        Assert.Equal(0, h % 32);
        Assert.True(Math.Max(w, h) <= Math.Max(maxSide, 32));
    }
}
