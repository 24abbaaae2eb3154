namespace FunctionsWorker.Inference;

/// <summary>Where a model file comes from.</summary>
internal enum ModelSourceKind
{
    /// <summary>A blob in the storage account of <c>AzureWebJobsStorage</c>.</summary>
    Blob,

    /// <summary>A file on the worker's own disk (for example baked into the image or from npm).</summary>
    File,
}
