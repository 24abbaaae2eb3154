namespace FunctionsWorker.Inference;

/// <summary>An open model source: its content stream and the length the source declares, when it declares one.</summary>
internal sealed class ModelDownload(Stream content, long? declaredLength) : IAsyncDisposable
{
    public Stream Content { get; } = content;

    public long? DeclaredLength { get; } = declaredLength;

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
