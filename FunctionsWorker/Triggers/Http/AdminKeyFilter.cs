using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// For the triggers that change something (cancel, replay, delete): the function key is required. With no
/// <c>FunctionKey</c> configured they answer 403 saying how to set one, except in the Development environment (local
/// runs), where they are open.
/// </summary>
internal sealed class AdminKeyFilter(IOptions<HttpOptions> options, IHostEnvironment environment) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.FunctionKey;
        if (string.IsNullOrEmpty(expected))
        {
            return environment.IsDevelopment()
                ? await next(context).ConfigureAwait(false)
                : TypedResults.Problem(
                    "This endpoint changes jobs and needs a function key, and none is configured: set the app setting FunctionKey " +
                    "(environment variable FunctionKey) and send it as the x-functions-key header.",
                    statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        return FunctionKeyFilter.Matches(context.HttpContext.Request, expected)
            ? await next(context).ConfigureAwait(false)
            : FunctionKeyFilter.Unauthorized();
    }
}
