using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// Function-level authorization as Functions does it: the key as the <c>x-functions-key</c> header or the <c>code</c>
/// query parameter, when one is configured. Any one given value that matches is enough: a stale header does not hide
/// a right <c>?code=</c>, and a header repeated by a proxy is compared value by value, never joined.
/// </summary>
internal sealed class FunctionKeyFilter(IOptions<HttpOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.FunctionKey;
        return string.IsNullOrEmpty(expected) || Matches(context.HttpContext.Request, expected)
            ? await next(context).ConfigureAwait(false)
            : Unauthorized();
    }

    internal static bool Matches(HttpRequest request, string expected)
    {
        var expectedBytes = Encoding.UTF8.GetBytes(expected);
        // A repeated header arrives joined with commas (HTTP's list syntax): compare each part.
        var given = request.Headers["x-functions-key"]
            .SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
            .Concat(request.Query["code"]);
        return given.Any(value => value is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), expectedBytes));
    }

    internal static IResult Unauthorized() =>
        TypedResults.Problem("A function key is required: send it as the x-functions-key header or the code query parameter.",
            statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
}
