using System.Text;
using System.Text.RegularExpressions;

namespace Functions.Tests.Fixtures;

/// <summary>
/// A token-level reading of C# source for the layering test: comments and the text of string and char literals
/// blanked out (the code inside interpolation holes kept), then the qualified names, the identifiers and the type
/// declarations it holds. Not a parser: enough to see every name a file uses, whatever route it takes.
/// </summary>
public static partial class CSharpTokens
{
    /// <summary>The source with comments and literal text replaced by spaces; line breaks kept.</summary>
    public static string Code(string source)
    {
        var code = new StringBuilder(source.Length);
        var end = CopyCode(source, 0, code, holeBraces: 0);
        if (end < source.Length)
        {
            throw new FormatException($"unbalanced '}}' at offset {end}");
        }

        return code.ToString();
    }

    /// <summary>Each <c>FunctionsWorker.A.B…</c> name (whitespace and <c>global::</c> dropped) as its dotted segments after the root.</summary>
    public static IEnumerable<string[]> QualifiedNames(string code) =>
        QualifiedPattern().Matches(code).Select(m => Regex.Replace(m.Groups["rest"].Value, @"\s|@", string.Empty).TrimStart('.').Split('.'));

    /// <summary>Every identifier that is not a member access (not after a '.'), with '@' dropped.</summary>
    public static IEnumerable<string> Identifiers(string code) =>
        IdentifierPattern().Matches(code).Select(m => m.Groups["name"].Value);

    /// <summary>The names of the classes, structs, interfaces, enums, records and delegates declared in the code.</summary>
    public static IEnumerable<string> DeclaredTypes(string code) =>
        DeclarationPattern().Matches(code).Select(m => m.Groups["name"].Value)
            .Concat(DelegatePattern().Matches(code).Select(m => m.Groups["name"].Value));

    /// <summary>
    /// Copies code from <paramref name="i"/>, blanking comments and literals. Inside an interpolation hole
    /// (<paramref name="holeBraces"/> &gt; 0) it stops at the closing braces and returns the index after them.
    /// </summary>
    private static int CopyCode(string s, int i, StringBuilder o, int holeBraces)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && At(s, i + 1) == '/')
            {
                while (i < s.Length && s[i] != '\n')
                {
                    o.Append(' ');
                    i++;
                }
            }
            else if (c == '/' && At(s, i + 1) == '*')
            {
                var close = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                var stop = close < 0 ? s.Length : close + 2;
                Blank(s, i, stop, o);
                i = stop;
            }
            else if (c == '\'')
            {
                var j = i + 1;
                while (j < s.Length && s[j] != '\'')
                {
                    j += s[j] == '\\' ? 2 : 1;
                }

                Blank(s, i, Math.Min(j + 1, s.Length), o);
                i = j + 1;
            }
            else if (StringStart(s, i) is { } start)
            {
                i = CopyString(s, i, start, o);
            }
            else if (c == '{')
            {
                depth++;
                o.Append(c);
                i++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
                o.Append(c);
                i++;
            }
            else if (c == '}')
            {
                if (holeBraces == 0)
                {
                    return i;
                }

                o.Append(' ', holeBraces);
                return i + holeBraces;
            }
            else
            {
                o.Append(c);
                i++;
            }
        }

        return i;
    }

    /// <summary>A string literal's prefix at <paramref name="i"/>: its '$' count, verbatim or not, quote count; null if none starts here.</summary>
    private static (int Dollars, bool Verbatim, int Quotes, int Length)? StringStart(string s, int i)
    {
        var j = i;
        var dollars = 0;
        var verbatim = false;
        while (j < s.Length && (s[j] == '$' || s[j] == '@'))
        {
            if (s[j] == '$')
            {
                dollars++;
            }
            else
            {
                verbatim = true;
            }

            j++;
        }

        if (At(s, j) != '"')
        {
            return null;
        }

        var quotes = 0;
        while (At(s, j + quotes) == '"')
        {
            quotes++;
        }

        // "" is an empty string, """ or more opens a raw string.
        quotes = quotes >= 3 ? quotes : 1;
        return (dollars, verbatim, quotes, j - i + quotes);
    }

    private static int CopyString(string s, int i, (int Dollars, bool Verbatim, int Quotes, int Length) start, StringBuilder o)
    {
        var holeBraces = start.Quotes >= 3 ? Math.Max(1, start.Dollars) : 1;
        o.Append(' ', start.Length);
        var j = i + start.Length;
        while (j < s.Length)
        {
            var c = s[j];
            if (start.Quotes >= 3 && c == '"' && s.AsSpan(j).StartsWith(new string('"', start.Quotes)))
            {
                o.Append(' ', start.Quotes);
                return j + start.Quotes;
            }

            if (start.Quotes == 1 && c == '"')
            {
                if (start.Verbatim && At(s, j + 1) == '"')
                {
                    o.Append("  ");
                    j += 2;
                    continue;
                }

                o.Append(' ');
                return j + 1;
            }

            if (start.Quotes == 1 && !start.Verbatim && c == '\\')
            {
                o.Append("  ");
                j += 2;
                continue;
            }

            if (start.Dollars > 0 && c == '{')
            {
                var run = 0;
                while (At(s, j + run) == '{')
                {
                    run++;
                }

                // In a plain interpolated string "{{" is a literal brace; in a raw one, braces beyond the hole's count are text.
                if (start.Quotes == 1 && run >= 2)
                {
                    o.Append("  ");
                    j += 2;
                    continue;
                }

                if (run >= holeBraces)
                {
                    o.Append(' ', run);
                    j = CopyCode(s, j + run, o, holeBraces);
                    continue;
                }
            }

            o.Append(c == '\n' ? '\n' : ' ');
            j++;
        }

        return j;
    }

    private static void Blank(string s, int from, int to, StringBuilder o)
    {
        for (var k = from; k < to; k++)
        {
            o.Append(s[k] == '\n' ? '\n' : ' ');
        }
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    [GeneratedRegex(@"(?<![\w.])(?:global\s*::\s*)?FunctionsWorker(?<rest>(?:\s*\.\s*@?[A-Za-z_]\w*)+)")]
    private static partial Regex QualifiedPattern();

    [GeneratedRegex(@"(?<![\w.@])(?<!\.\s*)@?(?<name>[A-Za-z_]\w*)")]
    private static partial Regex IdentifierPattern();

    // Type names start upper-case (the analyzers' naming rule), which keeps "record is null" (a local named record) out.
    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record(?:\s+(?:class|struct))?)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex DeclarationPattern();

    [GeneratedRegex(@"\bdelegate\s+[\w<>\[\]?,.\s]+?\s(?<name>[A-Z]\w*)\s*[<(]")]
    private static partial Regex DelegatePattern();
}
