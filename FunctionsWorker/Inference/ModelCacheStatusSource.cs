using FunctionsWorker.Hosting;

namespace FunctionsWorker.Inference;

/// <summary>Puts the model cache (device requested/effective, each model's state and timings) into <c>/api/status</c>.</summary>
internal sealed class ModelCacheStatusSource(ModelCache cache) : IStatusSource
{
    public string Name => "inference";

    public object Describe() => cache.GetSnapshot();
}
