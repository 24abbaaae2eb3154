namespace Functions.Tests.Fixtures;

/// <summary>Word error rate: Levenshtein edits between whitespace-separated words over the reference's word count.</summary>
public static class WordErrorRate
{
    public static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    public static int Distance(string reference, string hypothesis) =>
        CharacterErrorRate.Distance<string>(Words(reference), Words(hypothesis));
}
