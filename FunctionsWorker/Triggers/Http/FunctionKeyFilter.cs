using FunctionsWorker.Storage;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// Function-level authorization as Functions does it: a key in force (<see cref="FunctionKeys"/>) as the
/// <c>x-functions-key</c> header or the <c>code</c> query parameter, else 401. Open only in a Development run without a
/// configured key. A wrong key counts against the caller's failed-attempt limit (<see cref="RequestLimits"/>).
/// </summary>
internal sealed class FunctionKeyFilter(FunctionKeys keys, RequestLimits limits) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await CheckAsync(context.HttpContext, keys, limits).ConfigureAwait(false) ?? await next(context).ConfigureAwait(false);

    /// <summary>Null when the request may go on; otherwise the answer: 401, 429 after too many failures, 503 when the keys cannot be read.</summary>
    internal static async ValueTask<IResult?> CheckAsync(HttpContext context, FunctionKeys keys, RequestLimits limits)
    {
        IReadOnlyList<string>? expected;
        try
        {
            expected = await keys.GetAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && (StorageErrors.IsStorageFailure(ex) || ex is InvalidOperationException
                                       or OperationCanceledException or System.Text.Json.JsonException))
        {
            // No storage detail to a caller who has not shown a key; the worker's log has it.
            return TypedResults.Problem("The function keys cannot be read from storage now; try again later.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Keys unavailable");
        }

        if (expected is null)
        {
            return null;
        }

        if (limits.FailedKeyRetryAfter(context) is { } wait)
        {
            return RequestLimits.TooManyRequests(context, wait);
        }

        if (FunctionKeys.Matches(context.Request, expected))
        {
            return null;
        }

        limits.RecordFailedKey(context);
        return Unauthorized();
    }

    internal static IResult Unauthorized() =>
        TypedResults.Problem("A function key is required: send it as the x-functions-key header or the code query parameter.",
            statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
}
