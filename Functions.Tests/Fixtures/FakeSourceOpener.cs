using FunctionsWorker.Inference;


namespace Functions.Tests.Fixtures;

/// <summary>A model source that serves fixed bytes, optionally breaking the connection after some of them.</summary>
internal sealed class FakeSourceOpener(byte[] content, int? failAfterBytes = null, long? declaredLength = null) : IModelSourceOpener
{
    private int _opened;

    public string Scheme => ModelSource.BlobScheme;

    public int Opened => Volatile.Read(ref _opened);

    public int? FailAfterBytes { get; set; } = failAfterBytes;

    public Task<ModelDownload> OpenAsync(ModelSource source, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _opened);
        Stream stream = FailAfterBytes is { } limit ? new BreakingStream(content, limit) : new MemoryStream(content, writable: false);
        return Task.FromResult(new ModelDownload(stream, declaredLength ?? content.Length));
    }

    /// <summary>Reads like a network stream that drops after <c>limit</c> bytes.</summary>
    private sealed class BreakingStream(byte[] content, int limit) : MemoryStream(content, writable: false)
    {
        public override int Read(Span<byte> buffer)
        {
            if (Position >= limit)
            {
                throw new IOException("The connection was reset by the peer.");
            }

            return base.Read(buffer[..(int)Math.Min(buffer.Length, limit - Position)]);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }
}
