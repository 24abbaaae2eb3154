namespace FunctionsWorker.Inference;

/// <summary>The device asked for in <c>Inference:Device</c>, the one sessions actually use, and why they differ.</summary>
public sealed record DeviceStatus(InferenceDevice Requested, InferenceDevice Effective, string Reason);
