namespace FunctionsWorker.Triggers.Http;

/// <summary>For the list triggers (jobs, poison, workers), which read storage: at most <see cref="HttpOptions.RequestsPerMinute"/> per client.</summary>
internal sealed class ListLimitFilter(RequestLimits limits) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        limits.TakeList(context.HttpContext) is { } wait
            ? RequestLimits.TooManyRequests(context.HttpContext, wait)
            : await next(context).ConfigureAwait(false);
}
