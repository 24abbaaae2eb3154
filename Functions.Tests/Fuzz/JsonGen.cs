using System.Globalization;
using System.Text;
using CsCheck;

namespace Functions.Tests.Fuzz;

/// <summary>JSON-ish text: mostly well-formed documents with hostile values (deep nesting, duplicate keys, lone surrogates, huge numbers, odd types, a BOM), sometimes broken on purpose.</summary>
public static class JsonGen
{
    private static readonly string[] Keys = ["jobId", "pipeline", "input", "output", "parameters", "replyTo", "container", "blob", "prefix", "maxSide", "Values", "Host", "version", "extensions", "queues", "batchSize", "logging", "logLevel", "LocalHttpPort", "", "JOBID", "jobId\u0000"];

    private static readonly string[] Scalars =
    [
        "null", "true", "false", "0", "-0", "1e309", "-1e309", "123456789012345678901234567890", "1.5", "NaN", "\"\"", "\"thumbnail\"", "\"ocr\"",
        "\"inputs\"", "\"outputs\"", "\"a/b.png\"", "\"../x\"", "\"job-1\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"\ud800\"", "\"jobs\"", "\"jobs-poison\"",
        "\"results\"", "\"https://evil/x\"", "\"a\\\\b\"", "\"é\"", "\"😀\"", "\"\u2028\"", "01", "+1", "\"unterminated", "'single'", "[]", "{}",
    ];

    public static Gen<string> Value { get; } = Gen.Int[0, 6].SelectMany(depth => Node(depth));

    /// <summary>A document, optionally with a BOM, whitespace, comments or trailing commas around it.</summary>
    public static Gen<string> Document { get; } = Gen.Select(Value, Gen.Int[0, 9], (json, decoration) => decoration switch
    {
        0 => "\uFEFF" + json,
        1 => " \t\r\n" + json + "\n",
        2 => "// comment\n" + json,
        3 => json.Length > 0 ? json[..^1] : json,
        4 => json + ",",
        5 => new string('[', 70) + json + new string(']', 70),
        _ => json,
    });

    private static Gen<string> Node(int depth) => depth == 0
        ? Gen.OneOf(Scalars)
        : Gen.Frequency(
            (4, Gen.OneOf(Scalars)),
            (3, Object(depth - 1)),
            (1, Gen.Int[0, 4].SelectMany(n => Node(depth - 1).Array[n]).Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture))),
            (1, Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
            (1, Gen.String.Select(Quote)));

    private static Gen<string> Object(int depth) =>
        Gen.Int[0, 6].SelectMany(n => Gen.Select(Gen.OneOf(Keys), Node(depth)).Array[n])
            .Select(members => "{" + string.Join(",", members.Select(m => Quote(m.Item1) + ":" + m.Item2)) + "}");

    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
