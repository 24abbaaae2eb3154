namespace FunctionsWorker.Inference;

/// <summary>Opens a remote model source for streaming into the cache; the seam tests use to break a download midway.</summary>
internal interface IModelSourceOpener
{
    /// <exception cref="ModelLoadException">The source is missing or unreachable.</exception>
    Task<ModelDownload> OpenAsync(ModelSource source, CancellationToken cancellationToken);
}
