namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// For the triggers that change something (cancel, replay, delete), against requests another web site makes a browser
/// send: an <c>Origin</c> other than the worker's own is refused (403), and the request must carry a header a plain
/// form post or a no-cors fetch cannot set (<c>x-functions-key</c>, or <c>X-Requested-With</c> in an open Development
/// run), then pass the key check of <see cref="FunctionKeyFilter"/>.
/// </summary>
internal sealed class AdminKeyFilter(FunctionKeys keys, RequestLimits limits) : IEndpointFilter
{
    public const string RequestedWithHeader = "X-Requested-With";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (request.Headers.Origin is { Count: > 0 } origin && !IsOwnOrigin(origin.ToString(), request))
        {
            return Forbidden("This endpoint changes jobs and refuses requests from another site's page (its Origin is not this worker).");
        }

        if (keys.Open && !request.Headers.ContainsKey("x-functions-key") && !request.Headers.ContainsKey(RequestedWithHeader))
        {
            return Forbidden($"This endpoint changes jobs and needs the header {RequestedWithHeader} (any value) or x-functions-key, " +
                             "which a page on another site cannot make a browser send.");
        }

        return await FunctionKeyFilter.CheckAsync(context.HttpContext, keys, limits).ConfigureAwait(false) ?? await next(context).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the browser's <paramref name="origin"/> is the host the request was sent to. The scheme is not compared:
    /// behind TLS-terminating ingress the worker sees http for a page loaded over https.
    /// </summary>
    internal static bool IsOwnOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
        (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase) ||
         string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase) && uri.IsDefaultPort && request.Host.Port is null or 80 or 443);

    private static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
}
