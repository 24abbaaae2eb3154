using Azure.Core;
using Azure.Core.Pipeline;

namespace Functions.Tests.Fixtures;

/// <summary>
/// The storage clients' HTTP transport with a count of the GET requests whose path holds <see cref="PathPart"/>: how many
/// reads of one table (or container, or queue) an operation cost, whatever else the worker does meanwhile.
/// </summary>
public sealed class CountingTransport(string pathPart, HttpPipelineTransport? inner = null) : HttpPipelineTransport
{
    private readonly HttpPipelineTransport _inner = inner ?? new HttpClientTransport();
    private int _reads;

    public string PathPart { get; } = pathPart;

    public int Reads => Volatile.Read(ref _reads);

    public override Request CreateRequest() => _inner.CreateRequest();

    public override void Process(HttpMessage message)
    {
        Count(message);
        _inner.Process(message);
    }

    public override ValueTask ProcessAsync(HttpMessage message)
    {
        Count(message);
        return _inner.ProcessAsync(message);
    }

    private void Count(HttpMessage message)
    {
        if (message.Request.Method == RequestMethod.Get && message.Request.Uri.Path.Contains(PathPart, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _reads);
        }
    }
}
