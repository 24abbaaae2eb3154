using FunctionsWorker.Triggers.Http;
using FunctionsWorker.Triggers.Queue;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsWorker.FunctionsHost;

/// <summary>The poison queue (list, replay, delete) as Functions HTTP triggers; the changes need the host's admin key.</summary>
public sealed class PoisonHttpFunctions(PoisonQueueAdmin poison, PoisonList list)
{
    [Function("ListPoison")]
    public Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "poison")] HttpRequest request, CancellationToken cancellationToken) =>
        PoisonFunctions.ListAsync(list, cancellationToken);

    [Function("ReplayPoison")]
    public Task<IResult> ReplayAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "poison/replay")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PoisonFunctions.ReplayAsync(poison, list, HttpQuery.Optional(request.Query["jobId"]), HttpQuery.Optional(request.Query["messageId"]), cancellationToken);
    }

    [Function("DeletePoison")]
    public Task<IResult> DeleteAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "delete", Route = "poison/{messageId}")] HttpRequest request, string messageId, CancellationToken cancellationToken) =>
        PoisonFunctions.DeleteAsync(messageId, poison, list, cancellationToken);
}
