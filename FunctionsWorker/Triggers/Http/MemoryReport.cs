namespace FunctionsWorker.Triggers.Http;

/// <summary><c>/api/status</c> <c>memory</c>: the process's working set and managed heap, in bytes.</summary>
public sealed record MemoryReport(long WorkingSetBytes, long ManagedHeapBytes);
