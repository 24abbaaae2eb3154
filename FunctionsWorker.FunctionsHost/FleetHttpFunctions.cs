using FunctionsWorker.Triggers.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsWorker.FunctionsHost;

/// <summary>The fleet (<c>GET /api/workers</c>) as a Functions HTTP trigger.</summary>
public sealed class FleetHttpFunctions(FleetView fleet)
{
    [Function("Workers")]
    public Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "workers")] HttpRequest request, CancellationToken cancellationToken) =>
        FleetFunctions.ListAsync(fleet, cancellationToken);
}
