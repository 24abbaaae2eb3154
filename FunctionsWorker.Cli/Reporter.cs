using System.Text.Json;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Cli;

/// <summary>
/// Progress and errors go to stderr, as text or (with <c>--json</c>) as one JSON object per line; stdout carries only
/// a command's result, so it can be piped. Everything written to stderr is redacted.
/// </summary>
internal sealed class Reporter(bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public bool Json { get; } = json;

    /// <summary>A progress line: <paramref name="text"/> for people, <paramref name="data"/> with <c>--json</c>.</summary>
    public void Event(string text, JsonObject data) => Console.Error.WriteLine(Secrets.Redact(Json ? data.ToJsonString() : text));

    public void Error(string message, int exitCode) => Console.Error.WriteLine(Secrets.Redact(Json
        ? new JsonObject { ["error"] = message, ["exitCode"] = exitCode }.ToJsonString()
        : $"fwjobs: {message}"));

    /// <summary>The command's result on stdout, indented JSON.</summary>
    public static void Result(JsonNode node) => Console.Out.WriteLine(node.ToJsonString(Indented));

    public static void Result(string line) => Console.Out.WriteLine(line);
}
