using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionsWorker.State;

namespace FunctionsWorker.Triggers.Http;

/// <summary>The body of <c>GET /api/status</c>; the sections added by <see cref="IStatusSource"/>s (for example <c>inference</c>) follow the fixed ones.</summary>
public sealed record StatusReport
{
    public required string WorkerId { get; init; }

    public required string Version { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required long UptimeMs { get; init; }

    public required bool Ready { get; init; }

    public required IReadOnlyList<string> NotReadyReasons { get; init; }

    public required IReadOnlyCollection<WarmupTaskStatus> Warmup { get; init; }

    public required StorageReport Storage { get; init; }

    public required ListenerReport Listener { get; init; }

    public required QueueReport Queue { get; init; }

    public required int InFlight { get; init; }

    public required IReadOnlyDictionary<string, long> Counts { get; init; }

    public required IReadOnlyCollection<RecentError> LastErrors { get; init; }

    public required MemoryReport Memory { get; init; }

    /// <summary>Workers ready, stale and in all, from table <c>workers</c> (null when storage did not answer in time).</summary>
    public FunctionsWorker.Fleet.FleetSummary? Fleet { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement> Sections { get; } = new(StringComparer.Ordinal);
}
