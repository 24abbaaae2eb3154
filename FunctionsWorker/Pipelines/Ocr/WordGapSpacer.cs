using System.Text;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// Puts back the spaces between words that the general PP-OCR recogniser drops (it reads "Small print" as
/// "Smallprint": its training text is mostly Chinese, which has no spaces). The model usually still hints at the break:
/// the space class gets a few percent probability there, against well under 0.1% inside words. So a space goes between
/// two consecutive characters when both hold: that hint is at least <see cref="MinSpaceProbability"/>, and the strip has
/// a run of ink-free columns at least <see cref="MinGapRatio"/> of its height wide whose middle lies between where the
/// model read the two. Next to punctuation or symbols the run must also be <see cref="SymbolGapPitchRatio"/> of the
/// line's character pitch: in monospaced text a '.' or '-' sits alone in a full-width cell, which leaves word-sized
/// gaps (and a hint) around it without any space.
/// </summary>
/// <remarks>
/// The CTC time steps alone cannot place spaces: a step is 8 px of the 48 px strip and the model's firing jitters by a
/// step or two, so the step gap across a space and after a wide letter ('m', 'W') are the same; hence the pixel columns.
/// </remarks>
internal static class WordGapSpacer
{
    /// <summary>
    /// Narrowest ink-free run, as a fraction of strip height, that can be a word break. Spaces measure 17 px or more
    /// at height 48 over the test images (a space plus side bearings is about 0.4 em); gaps inside words stay under
    /// 13 px even around 'l', '1' or capitals, and those never carry the space hint as well.
    /// </summary>
    public const float MinGapRatio = 0.25f;

    /// <summary>
    /// Lowest space-class probability that counts as the model's hint of a word break. Dropped spaces score 0.017 and
    /// up over the test images, gaps inside words at most 0.0004 (0.06 in monospaced punctuation, see above).
    /// </summary>
    public const float MinSpaceProbability = 0.005f;

    /// <summary>
    /// Next to a character that is neither letter nor digit, the narrowest word break as a fraction of the line's mean
    /// character pitch: spaces after ',', ':' or '!' or around '-' measure 0.77 pitch and up; the empty half-cells
    /// around '.', '-' or ':' in monospaced text stay under 0.62.
    /// </summary>
    public const float SymbolGapPitchRatio = 0.7f;

    /// <param name="characters">The decoded characters with their time steps and space hints.</param>
    /// <param name="pixelsPerStep">Strip pixels each time step covers (input width over steps).</param>
    /// <param name="inkColumns">Which columns of the strip, as fed to the model, hold ink.</param>
    /// <param name="height">The strip height in the same pixels.</param>
    public static string Join(IReadOnlyList<CtcCharacter> characters, float pixelsPerStep, ReadOnlySpan<bool> inkColumns, int height)
    {
        var gaps = Gaps(inkColumns);
        var pitch = characters.Count > 1
            ? (characters[^1].Centre - characters[0].Centre) * pixelsPerStep / (characters.Count - 1)
            : 0f;
        var text = new StringBuilder();
        for (var i = 0; i < characters.Count; i++)
        {
            if (i > 0 && IsWordBreak(characters[i - 1], characters[i], pixelsPerStep, gaps, height, pitch))
            {
                text.Append(' ');
            }

            text.Append(characters[i].Text);
        }

        return text.ToString();
    }

    /// <summary>Ink-free runs between the first and last inked column, as (middle, width) in pixels, left to right.</summary>
    public static List<(float Middle, int Width)> Gaps(ReadOnlySpan<bool> inkColumns)
    {
        var gaps = new List<(float Middle, int Width)>();
        var lastInk = -1;
        for (var x = 0; x < inkColumns.Length; x++)
        {
            if (!inkColumns[x])
            {
                continue;
            }

            // Runs before the first ink are margin, not a gap between words.
            if (lastInk >= 0 && x - lastInk > 1)
            {
                gaps.Add(((lastInk + 1 + x) / 2f, x - lastInk - 1));
            }

            lastInk = x;
        }

        return gaps;
    }

    private static bool IsWordBreak(
        CtcCharacter left, CtcCharacter right, float pixelsPerStep, List<(float Middle, int Width)> gaps, int height, float pitch)
    {
        // The model's own space (or any other whitespace it read) already separates the two.
        if (IsSpace(left.Text) || IsSpace(right.Text) || right.SpaceBefore < MinSpaceProbability)
        {
            return false;
        }

        var from = left.Centre * pixelsPerStep;
        var to = right.Centre * pixelsPerStep;
        var widest = 0;
        foreach (var (middle, width) in gaps)
        {
            if (middle > from && middle < to)
            {
                widest = Math.Max(widest, width);
            }
        }

        if (widest < MinGapRatio * height)
        {
            return false;
        }

        return (IsLetterOrDigit(left.Text) && IsLetterOrDigit(right.Text)) || widest >= SymbolGapPitchRatio * pitch;
    }

    private static bool IsSpace(string text) => text.Length > 0 && string.IsNullOrWhiteSpace(text);

    private static bool IsLetterOrDigit(string text) => text.Length > 0 && text.All(char.IsLetterOrDigit);
}
