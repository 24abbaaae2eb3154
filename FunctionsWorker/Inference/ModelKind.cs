using System.Text.Json.Serialization;

namespace FunctionsWorker.Inference;

/// <summary>What a catalog entry is (<c>Models:&lt;name&gt;:Kind</c>); unset, a source ending in <c>.onnx</c> is a model, anything else a file.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelKind>))]
public enum ModelKind
{
    /// <summary>An ONNX model: fetched, verified, loaded into a session and warmed.</summary>
    Onnx,

    /// <summary>A plain file a pipeline reads (the OCR dictionary): fetched, verified and cached, never loaded into a session.</summary>
    File,
}
