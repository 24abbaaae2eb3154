namespace FunctionsWorker.Inference;

/// <summary>
/// Opens one kind of model source for streaming into the cache; the store picks the opener whose
/// <see cref="Scheme"/> matches the source's (the last registered wins, which is how tests substitute one).
/// </summary>
internal interface IModelSourceOpener
{
    /// <summary>The URL scheme served, lowercase and without "://": <c>blob</c>, <c>file</c>, <c>https</c>.</summary>
    string Scheme { get; }

    /// <exception cref="ModelLoadException">The source is missing or unreachable.</exception>
    Task<ModelDownload> OpenAsync(ModelSource source, CancellationToken cancellationToken);
}
