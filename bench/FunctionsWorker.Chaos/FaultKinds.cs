namespace FunctionsWorker.Chaos;

/// <summary>The names of the faults the harness injects, as the fault log and the report count them.</summary>
internal static class FaultKinds
{
    public const string Kill = "kill -9";
    public const string Sigterm = "sigterm";
    public const string StorageCut = "storage cut";
    public const string StorageHang = "storage hang";
    public const string ConnectionReset = "connection reset";
    public const string StorageLatency = "storage latency";
    public const string AzuriteRestart = "azurite restart";

    /// <summary>Not injected: a worker that exited by itself, logged on the timeline and judged a violation.</summary>
    public const string WorkerCrashed = "worker crashed";

    public static readonly string[] Process = [Kill, Sigterm];

    public static readonly string[] Storage = [StorageCut, StorageHang, ConnectionReset, StorageLatency, AzuriteRestart];
}
