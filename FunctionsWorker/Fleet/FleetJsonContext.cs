using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsWorker.Fleet;

/// <summary>Source-generated JSON for the models column of table <c>workers</c>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WorkerModel[]))]
internal sealed partial class FleetJsonContext : JsonSerializerContext;
