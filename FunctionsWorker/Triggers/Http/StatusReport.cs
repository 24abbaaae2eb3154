using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionsWorker.Health;

namespace FunctionsWorker.Triggers.Http;

/// <summary>The body of <c>GET /api/status</c>; the sections added by <see cref="IStatusSource"/>s (for example <c>inference</c>) follow the fixed ones.</summary>
public sealed record StatusReport(
    string WorkerId,
    string Version,
    string Status,
    DateTimeOffset StartedAt,
    long UptimeMs,
    bool Ready,
    IReadOnlyList<string> NotReadyReasons,
    IReadOnlyCollection<WarmupTaskStatus> Warmup,
    StorageReport Storage,
    ListenerReport Listener,
    QueueReport Queue,
    int InFlight,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyCollection<RecentError> LastErrors,
    MemoryReport Memory)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Sections { get; init; } = [];
}
