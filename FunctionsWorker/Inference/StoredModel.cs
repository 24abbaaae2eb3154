namespace FunctionsWorker.Inference;

/// <summary>A verified model file ready for ONNX Runtime.</summary>
/// <param name="FromCache">True when a copy verified earlier was reused without reading the source.</param>
internal sealed record StoredModel(string Path, string Sha256, long Bytes, bool FromCache);
