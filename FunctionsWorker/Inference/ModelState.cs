using System.Text.Json.Serialization;

namespace FunctionsWorker.Inference;

/// <summary>Where a catalog model is on its way to serving runs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelState>))]
public enum ModelState
{
    Pending,
    Fetching,
    Verifying,
    Loading,
    Warming,
    Ready,
    Failed,
}
