using FunctionsWorker.Pipelines.Ocr;


namespace Functions.Tests.Unit.Ocr;

public sealed class WordGapSpacerTests
{
    // As in the recogniser: 8 px per time step on a 48 px strip, so a word break needs a 12 px ink-free run.
    private const float PixelsPerStep = 8;
    private const int Height = 48;
    private const float Hint = 0.05f;

    [Fact]
    public void WideGap_WithTheModelsSpaceHint_BecomesASpace()
    {
        // 'a' read at 20 px, 'b' at 68 px; ink-free from 31 to 49 (19 px) between them.
        var text = Join([At("a", 2), At("b", 8, Hint)], Ink(90, (10, 30), (50, 80)));

        Assert.Equal("a b", text);
    }

    [Fact]
    public void WideGap_WithoutTheHint_IsALetterGap()
    {
        var text = Join([At("a", 2), At("b", 8, 0.001f)], Ink(90, (10, 30), (50, 80)));

        Assert.Equal("ab", text);
    }

    [Fact]
    public void NarrowGap_EvenWithTheHint_IsNoSpace()
    {
        // 7 px between the glyphs: a letter gap.
        var text = Join([At("a", 2), At("b", 8, 0.5f)], Ink(90, (10, 30), (38, 80)));

        Assert.Equal("ab", text);
    }

    [Fact]
    public void GapOutsideTheTwoCharacters_IsNotTheirs()
    {
        // The only wide run (middle 84.5) lies right of 'b', the last character: it separates nothing the model read.
        var text = Join([At("a", 2), At("b", 8, Hint)], Ink(120, (10, 75), (95, 110)));

        Assert.Equal("ab", text);
    }

    [Fact]
    public void SpaceTheModelRead_IsNotDoubled()
    {
        var text = Join([At("a", 2), At(" ", 5, 0.9f), At("b", 8, 0.9f)], Ink(90, (10, 30), (50, 80)));

        Assert.Equal("a b", text);
    }

    [Fact]
    public void MonospacedPoint_HalfEmptyCells_AreNoSpaces()
    {
        // "3.4" in a 24 px monospaced cell: the '.' leaves 12 px runs each side (half a pitch), hinted or not.
        var text = Join([At("3", 1), At(".", 4, Hint), At("4", 7, Hint)], Ink(70, (4, 20), (33, 39), (52, 68)));

        Assert.Equal("3.4", text);
    }

    [Fact]
    public void CommaThenWideGap_IsASpaceAfterTheComma()
    {
        // "a, b": the comma hugs 'a' (9 px), then a 25 px run, beyond 0.7 of the 32 px pitch.
        var text = Join([At("a", 1), At(",", 4, Hint), At("b", 9, Hint)], Ink(80, (4, 20), (30, 34), (60, 76)));

        Assert.Equal("a, b", text);
    }

    [Fact]
    public void EverySeparateWord_GetsItsSpace()
    {
        var text = Join(
            [At("a", 1), At("b", 4), At("c", 9, Hint), At("d", 12), At("e", 17, Hint)],
            Ink(150, (4, 36), (68, 100), (132, 145)));

        Assert.Equal("ab cd e", text);
    }

    [Fact]
    public void NoCharacters_IsEmpty_AndOneCharacter_IsItself()
    {
        Assert.Equal("", Join([], Ink(10)));
        Assert.Equal("x", Join([At("x", 0)], Ink(10, (2, 6))));
    }

    [Fact]
    public void Gaps_LeaveOutTheMargins()
    {
        bool[] ink = [false, false, true, false, false, true, true, false, false, false];

        var gaps = WordGapSpacer.Gaps(ink);

        var gap = Assert.Single(gaps);
        Assert.Equal(4f, gap.Middle);
        Assert.Equal(2, gap.Width);
    }

    private static string Join(CtcCharacter[] characters, bool[] ink) => WordGapSpacer.Join(characters, PixelsPerStep, ink, Height);

    private static CtcCharacter At(string text, int step, float spaceBefore = 0f) => new(text, step, step, 0.9f, spaceBefore);

    /// <summary>Columns 0..width-1, inked over the inclusive ranges given.</summary>
    private static bool[] Ink(int width, params (int From, int To)[] spans)
    {
        var ink = new bool[width];
        foreach (var (from, to) in spans)
        {
            for (var x = from; x <= to; x++)
            {
                ink[x] = true;
            }
        }

        return ink;
    }
}
