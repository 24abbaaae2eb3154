using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

/// <summary>Function-level authorization as Functions does it: <c>x-functions-key</c> header or <c>code</c> query, when a key is configured.</summary>
internal sealed class FunctionKeyFilter(IOptions<HttpOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.FunctionKey;
        if (string.IsNullOrEmpty(expected))
        {
            return await next(context).ConfigureAwait(false);
        }

        var request = context.HttpContext.Request;
        string? given = request.Headers["x-functions-key"];
        given ??= request.Query["code"];
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected))
            ? await next(context).ConfigureAwait(false)
            : TypedResults.Problem("A function key is required: send it as the x-functions-key header or the code query parameter.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
    }
}
