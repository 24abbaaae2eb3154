namespace Functions.Tests.Fixtures;

/// <summary>One image of the OCR scoring set: its file name, category, expected reading-order text and how to draw it.</summary>
/// <param name="Extension"><c>png</c>, or <c>jpg</c> for the images re-encoded as a low-quality JPEG.</param>
public sealed record ScoringImage(string Name, string Category, string Extension, string Text, Func<byte[]> Draw)
{
    public string FileName => Name + "." + Extension;
}
