namespace FunctionsWorker.Errors;

/// <summary>
/// Text a producer sent, made safe to repeat in an error message: control characters (a newline that would forge a
/// log line, an escape sequence that would drive a terminal) and line or paragraph separators become <c>\uXXXX</c>.
/// </summary>
public static class EchoText
{
    public static string Escape(string text)
    {
        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var escaped = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (NeedsEscape(c))
            {
                escaped.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
