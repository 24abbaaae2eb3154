namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// The recognition model's classes: index 0 is the CTC blank, then one class per dictionary line, then a space
/// (PP-OCR models are trained with <c>use_space_char</c>).
/// </summary>
internal sealed class CharacterDictionary
{
    private readonly string[] _characters;

    public CharacterDictionary(IEnumerable<string> characters)
    {
        _characters = ["", .. characters, " "];
    }

    /// <summary>Number of classes the model outputs, blank included.</summary>
    public int ClassCount => _characters.Length;

    /// <summary>The space class, last: PaddleOCR appends it after the dictionary lines when <c>use_space_char</c> is on.</summary>
    public int SpaceClass => _characters.Length - 1;

    /// <summary>The text of class <paramref name="index"/>; the blank is empty.</summary>
    public string this[int index] => _characters[index];

    public static CharacterDictionary Load(string path)
    {
        // Lines are kept verbatim except for line endings: some entries are punctuation or a space-like character.
        var lines = File.ReadAllLines(path);
        return new CharacterDictionary(lines);
    }
}
