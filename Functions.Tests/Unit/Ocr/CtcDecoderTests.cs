using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Unit.Ocr;

public sealed class CtcDecoderTests
{
    // Classes: 0 blank, 1 'a', 2 'b', 3 'c', 4 ' '.
    private static readonly CharacterDictionary Dictionary = new(["a", "b", "c"]);

    [Fact]
    public void Dictionary_AddsBlankFirstAndSpaceLast()
    {
        Assert.Equal(5, Dictionary.ClassCount);
        Assert.Equal("", Dictionary[0]);
        Assert.Equal("a", Dictionary[1]);
        Assert.Equal(" ", Dictionary[4]);
    }

    [Fact]
    public void Decode_CollapsesRepeats_AndDropsBlanks()
    {
        var (text, _) = Decode(1, 1, 0, 2, 2, 0, 0, 3);

        Assert.Equal("abc", text);
    }

    [Fact]
    public void Decode_KeepsRepeatedCharacter_SeparatedByBlank()
    {
        var (text, _) = Decode(1, 0, 1, 1, 4, 2);

        Assert.Equal("aa b", text);
    }

    [Fact]
    public void Decode_AllBlank_IsEmptyWithZeroConfidence()
    {
        var (text, confidence) = Decode(0, 0, 0);

        Assert.Equal("", text);
        Assert.Equal(0f, confidence);
    }

    [Fact]
    public void Confidence_IsMeanOfKeptStepsBestProbability()
    {
        // Steps: 'a' at 0.9, 'a' repeat at 0.5 (collapsed, not counted), blank, 'b' at 0.7.
        float[] probabilities =
        [
            0.05f, 0.9f, 0.05f, 0, 0,
            0.3f, 0.5f, 0.2f, 0, 0,
            0.8f, 0.1f, 0.1f, 0, 0,
            0.1f, 0.1f, 0.7f, 0.1f, 0,
        ];

        var (text, confidence) = CtcDecoder.Decode(probabilities, 4, 5, Dictionary);

        Assert.Equal("ab", text);
        Assert.Equal(0.8f, confidence, 4);
    }

    private static (string Text, float Confidence) Decode(params int[] best)
    {
        const int Classes = 5;
        var probabilities = new float[best.Length * Classes];
        for (var t = 0; t < best.Length; t++)
        {
            for (var c = 0; c < Classes; c++)
            {
                probabilities[(t * Classes) + c] = c == best[t] ? 0.6f : 0.1f;
            }
        }

        return CtcDecoder.Decode(probabilities, best.Length, Classes, Dictionary);
    }
}
