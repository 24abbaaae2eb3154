using Microsoft.Extensions.Primitives;

namespace FunctionsWorker.FunctionsHost;

/// <summary>Query parameters as the self-hosted handlers take them: absent is null.</summary>
internal static class HttpQuery
{
    public static string? Optional(StringValues value) => value.Count == 0 ? null : value.ToString();
}
