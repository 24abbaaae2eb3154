namespace FunctionsWorker.Inference;

/// <summary>An immutable picture of the model cache for <c>/api/status</c> and <c>/api/ready</c>.</summary>
public sealed record ModelCacheSnapshot(DeviceStatus Device, bool AllReady, IReadOnlyList<ModelStatus> Models);
