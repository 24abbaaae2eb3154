namespace FunctionsWorker.Storage;

/// <summary>The storage services the worker uses, each with its own endpoint.</summary>
public enum StorageService
{
    Blob,
    Queue,
    Table,
}
