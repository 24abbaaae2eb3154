namespace Functions.Tests.Fixtures;

/// <summary>Character error rate: Levenshtein edits between recognised and reference text over the reference length.</summary>
public static class CharacterErrorRate
{
    public static int Distance(string reference, string hypothesis) => Distance(reference.AsSpan(), hypothesis.AsSpan());

    /// <summary>Levenshtein distance over any tokens: characters here, words in <see cref="WordErrorRate"/>.</summary>
    public static int Distance<T>(ReadOnlySpan<T> reference, ReadOnlySpan<T> hypothesis)
        where T : IEquatable<T>
    {
        var previous = new int[hypothesis.Length + 1];
        var current = new int[hypothesis.Length + 1];
        for (var j = 0; j <= hypothesis.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= reference.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= hypothesis.Length; j++)
            {
                var substitution = previous[j - 1] + (reference[i - 1].Equals(hypothesis[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[hypothesis.Length];
    }

    /// <summary>
    /// Drops all whitespace, to report how much of the error is word breaks. PP-OCRv4's general ("ch") recogniser often
    /// runs English words together (PaddleOCR issue #11386, PaddleX #3519); the pipeline puts the spaces back
    /// (WordGapSpacer), so the tests assert the rate with spaces and print this one beside it.
    /// </summary>
    public static string WithoutWhitespace(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    public static double Of(string reference, string hypothesis) =>
        reference.Length == 0 ? (hypothesis.Length == 0 ? 0 : 1) : Distance(reference, hypothesis) / (double)reference.Length;
}
