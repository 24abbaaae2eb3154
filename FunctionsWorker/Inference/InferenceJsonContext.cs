using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsWorker.Inference;

/// <summary>Source-generated JSON for the model cache's <c>/api/status</c> section.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ModelCacheSnapshot))]
internal sealed partial class InferenceJsonContext : JsonSerializerContext;
