namespace FunctionsWorker.Inference;

/// <summary>An open model source: its content stream and the length the source declares, when it declares one.</summary>
/// <param name="owner">Disposed with the stream, for sources whose stream belongs to a response.</param>
internal sealed class ModelDownload(Stream content, long? declaredLength, IDisposable? owner = null) : IAsyncDisposable
{
    public Stream Content { get; } = content;

    public long? DeclaredLength { get; } = declaredLength;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        owner?.Dispose();
    }
}
