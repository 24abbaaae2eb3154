using System.Text.Json.Nodes;

namespace FunctionsWorker.Bench;

/// <summary>One JSON line of <c>bench/node-reference/first-text.mjs</c>, read <see cref="AtMs"/> after the bench's clock started.</summary>
internal sealed record ReferenceEvent(string Event, double AtMs, double Ms, int Lines, int Characters, string? Image)
{
    public static ReferenceEvent Parse(string text, double atMs)
    {
        var json = JsonNode.Parse(text)!;
        return new ReferenceEvent(
            json["event"]!.GetValue<string>(),
            atMs,
            json["ms"]?.GetValue<double>() ?? 0,
            json["lines"]?.GetValue<int>() ?? 0,
            json["chars"]?.GetValue<int>() ?? 0,
            json["image"]?.GetValue<string>());
    }
}
