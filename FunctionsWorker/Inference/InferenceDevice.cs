using System.Text.Json.Serialization;

namespace FunctionsWorker.Inference;

/// <summary>Where ONNX Runtime runs the models (<c>Inference:Device</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InferenceDevice>))]
public enum InferenceDevice
{
    /// <summary>CUDA when this ONNX Runtime build and machine have it, else CPU.</summary>
    Auto,

    /// <summary>CUDA asked for explicitly; still falls back to CPU (and says why) so the worker stays up.</summary>
    Cuda,

    Cpu,
}
