using System.Globalization;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// Per-client limits by remote address: list requests (<see cref="HttpOptions.RequestsPerMinute"/>) and failed key checks
/// (<see cref="HttpOptions.FailedKeyChecksPerMinute"/>), so a caller can neither make the worker read storage without end nor guess keys quickly. Over a limit the
/// answer is 429 with Retry-After.
/// </summary>
internal sealed class RequestLimits(IOptions<HttpOptions> options, TimeProvider time)
{
    private readonly ClientWindows _lists = new(options.Value.RequestsPerMinute, time);
    private readonly ClientWindows _failedKeys = new(options.Value.FailedKeyChecksPerMinute, time);

    public TimeSpan? TakeList(HttpContext context) => _lists.Take(Client(context));

    public TimeSpan? FailedKeyRetryAfter(HttpContext context) => _failedKeys.RetryAfter(Client(context));

    public void RecordFailedKey(HttpContext context) => _failedKeys.Take(Client(context));

    public static IResult TooManyRequests(HttpContext context, TimeSpan wait)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem("Too many requests from this address; try again after the Retry-After seconds.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
    }

    // The connection's address, not X-Forwarded-For, which any caller can write.
    private static string Client(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
