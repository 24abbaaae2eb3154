using System.Text.Json.Serialization;

namespace FunctionsWorker.Inference;

/// <summary>Where ONNX Runtime runs the models (<c>Inference:Device</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InferenceDevice>))]
public enum InferenceDevice
{
    /// <summary>CUDA when this ONNX Runtime build and machine have it, else CPU.</summary>
    Auto,

    /// <summary>CUDA required: when it cannot be used every model is Failed with the reason (the worker stays up, not ready).</summary>
    Cuda,

    Cpu,
}
