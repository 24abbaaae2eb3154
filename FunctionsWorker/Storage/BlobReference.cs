namespace FunctionsWorker.Storage;

/// <summary>A blob in the worker's own storage account.</summary>
public sealed record BlobReference(string Container, string Blob);
