using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsWorker.Functions;

/// <summary>
/// Source-generated JSON for the probes: the first health answer after start skips building reflection
/// metadata, which on a small node is a good part of its latency.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ReadinessReport))]
internal sealed partial class ProbeJsonContext : JsonSerializerContext;
