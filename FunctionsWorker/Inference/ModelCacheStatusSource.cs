using System.Text.Json;
using FunctionsWorker.Health;

namespace FunctionsWorker.Inference;

/// <summary>Puts the model cache (device requested/effective, each model's state and timings) into <c>/api/status</c>.</summary>
internal sealed class ModelCacheStatusSource(ModelCache cache) : IStatusSource
{
    public string Name => "inference";

    public JsonElement Describe() => JsonSerializer.SerializeToElement(cache.GetSnapshot(), InferenceJsonContext.Default.ModelCacheSnapshot);
}
