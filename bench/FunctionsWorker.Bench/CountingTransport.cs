using System.Collections.Concurrent;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionsWorker.Bench;

/// <summary>
/// The worker's HTTP transport in the queue-path section: every storage request it sends goes through here and is
/// counted by operation (service, verb, what it touches), so a job's storage calls can be listed and summed.
/// </summary>
internal sealed class CountingTransport(string tableName) : HttpPipelineTransport
{
    private readonly HttpPipelineTransport _inner = new HttpClientTransport();
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_counts, StringComparer.Ordinal);

    /// <summary>The operations counted since <paramref name="before"/>, by name.</summary>
    public IReadOnlyDictionary<string, int> Since(IReadOnlyDictionary<string, int> before) => Snapshot()
        .Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key)))
        .Where(kv => kv.Count > 0)
        .ToDictionary(kv => kv.Key, kv => kv.Count, StringComparer.Ordinal);

    public override Request CreateRequest() => _inner.CreateRequest();

    public override void Process(HttpMessage message)
    {
        _inner.Process(message);
        Count(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message)
    {
        await _inner.ProcessAsync(message).ConfigureAwait(false);
        Count(message);
    }

    private void Count(HttpMessage message) => _counts.AddOrUpdate(Name(message), 1, (_, n) => n + 1);

    private string Name(HttpMessage message)
    {
        var request = message.Request;
        var method = request.Method.ToString();
        var path = request.Uri.Path;
        var query = request.Uri.Query;
        var status = message.HasResponse ? message.Response.Status : 0;
        if (path.Contains("/messages", StringComparison.Ordinal))
        {
            return method switch
            {
                "GET" => ReceivedAny(message) ? "queue receive (got messages)" : "queue receive (empty)",
                "PUT" => "queue update visibility (lease renewal/release)",
                "DELETE" => "queue delete message",
                "POST" => "queue send",
                _ => "queue " + method,
            };
        }

        if (path.Contains("/" + tableName, StringComparison.Ordinal))
        {
            var conditional = request.Headers.TryGetValue("If-Match", out var ifMatch) ? (ifMatch == "*" ? " (If-Match *)" : " (If-Match etag)") : string.Empty;
            return method switch
            {
                "GET" => $"table get entity ({status})",
                "POST" => $"table insert{conditional} ({status})",
                "PUT" => $"table replace/upsert{conditional} ({status})",
                "PATCH" or "MERGE" => $"table merge{conditional} ({status})",
                _ => $"table {method} ({status})",
            };
        }

        var createOnly = request.Headers.TryGetValue("If-None-Match", out _) ? " create-only" : string.Empty;
        var what = path.EndsWith("/result.json", StringComparison.Ordinal) ? "result.json" : query.Contains("restype=container", StringComparison.Ordinal) ? "container" : "blob";
        return $"blob {method}{createOnly} {what} ({status})";
    }

    // A receive answers a list of QueueMessage elements; an empty one has none. The transport sees the body before
    // the pipeline buffers it, so it is read here into memory and handed on as a stream that starts at the beginning.
    private static bool ReceivedAny(HttpMessage message)
    {
        if (!message.HasResponse || message.Response.ContentStream is not { } body)
        {
            return false;
        }

        var buffer = new MemoryStream();
        body.CopyTo(buffer);
        body.Dispose();
        buffer.Position = 0;
        message.Response.ContentStream = buffer;
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).Contains("<MessageId>", StringComparison.Ordinal);
    }
}
