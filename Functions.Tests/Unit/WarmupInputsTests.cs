using FunctionsWorker.Inference;


namespace Functions.Tests.Unit;

public sealed class WarmupInputsTests
{
    [Theory]
    [InlineData(new[] { -1, 3, -1, -1 }, new[] { 1, 3, 64, 64 })]
    [InlineData(new[] { -1, -1, -1, -1 }, new[] { 1, 3, 64, 64 })]
    [InlineData(new[] { -1, 3, 48, -1 }, new[] { 1, 3, 48, 320 })]
    [InlineData(new[] { 1, 3, 224, 224 }, new[] { 1, 3, 224, 224 })]
    [InlineData(new[] { 1, 3, 640, -1 }, new[] { 1, 3, 640, 64 })]
    [InlineData(new[] { -1, 128 }, new[] { 1, 128 })]
    [InlineData(new[] { -1, -1, 16 }, new[] { 1, 64, 16 })]
    public void DynamicDimensions_GetSmallSizes(int[] declared, int[] expected)
    {
        Assert.Equal(expected, WarmupInputs.Shape(declared));
    }

    [Fact]
    public void Inputs_AreFilledTensorsOfThatShape()
    {
        var inputs = WarmupInputs.Create(new Dictionary<string, int[]> { ["x"] = [-1, 3, 48, -1] });

        var x = Assert.Single(inputs).Value;
        Assert.Equal([1, 3, 48, 320], x.Shape);
        Assert.Equal(3 * 48 * 320, x.Data.Length);
    }
}
