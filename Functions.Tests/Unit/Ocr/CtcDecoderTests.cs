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
        Assert.Equal(4, Dictionary.SpaceClass);
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

    [Fact]
    public void DecodeCharacters_GivesEachRunsSteps_AndTheSpaceHintSinceThePreviousCharacter()
    {
        // 'a' over steps 0-1, blanks with the space class at 0.02 in step 3, 'b' at step 4.
        float[] probabilities =
        [
            0.1f, 0.8f, 0.05f, 0.05f, 0,
            0.1f, 0.8f, 0.05f, 0.05f, 0,
            0.9f, 0.05f, 0.05f, 0, 0,
            0.9f, 0.03f, 0.03f, 0.02f, 0.02f,
            0.1f, 0.1f, 0.7f, 0.1f, 0,
        ];

        var characters = CtcDecoder.DecodeCharacters(probabilities, 5, 5, Dictionary);

        Assert.Equal(2, characters.Count);
        Assert.Equal(("a", 0, 1, 1f), (characters[0].Text, characters[0].FirstStep, characters[0].LastStep, characters[0].Centre));
        Assert.Equal(0f, characters[0].SpaceBefore);
        Assert.Equal(("b", 4, 4, 4.5f), (characters[1].Text, characters[1].FirstStep, characters[1].LastStep, characters[1].Centre));
        Assert.Equal(0.02f, characters[1].SpaceBefore);
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
