using System.Globalization;
using System.Text;

namespace FunctionsWorker.Cli;

/// <summary>A plain-text table for people: a header row and left-aligned columns two spaces apart, the last unpadded.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public void Add(params string?[] cells) => _rows.Add([.. cells.Select(cell => Printable(cell ?? "-"))]);

    public override string ToString()
    {
        var widths = headers.Select((header, column) => _rows.Select(row => row[column].Length).Prepend(header.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows.Prepend(headers))
        {
            var line = string.Join("  ", row.Select((cell, column) => column == row.Length - 1 ? cell : cell.PadRight(widths[column])));
            text.AppendLine(line.TrimEnd());
        }

        return text.ToString();
    }

    // Cells repeat what producers sent (error messages, notes): line breaks become spaces so a row stays one line, and
    // any other control character is shown as \uXXXX so an escape sequence cannot drive the operator's terminal.
    private static string Printable(string text)
    {
        var line = text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            : text;
        return line.Any(IsUnprintable)
            ? string.Concat(line.Select(c => IsUnprintable(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString()))
            : line;
    }

    private static bool IsUnprintable(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
