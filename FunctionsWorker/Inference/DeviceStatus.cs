namespace FunctionsWorker.Inference;

/// <summary>The device asked for in <c>Inference:Device</c>, the one sessions actually use, and why they differ.</summary>
/// <param name="Effective">Null when <c>cuda</c> was required and cannot be used: models fail instead of running on CPU.</param>
public sealed record DeviceStatus(InferenceDevice Requested, InferenceDevice? Effective, string Reason);
