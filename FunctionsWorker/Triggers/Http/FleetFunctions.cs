namespace FunctionsWorker.Triggers.Http;

/// <summary>HTTP trigger <c>GET /api/workers</c>: the fleet, newest beat first, silent workers marked stale.</summary>
public static class FleetFunctions
{
    public static RouteGroupBuilder MapFleetFunctions(this RouteGroupBuilder group)
    {
        group.MapGet("/workers", ListAsync).AddEndpointFilter<FunctionKeyFilter>().AddEndpointFilter<ListLimitFilter>().WithName("Workers");
        return group;
    }

    internal static async Task<IResult> ListAsync(FleetView fleet, CancellationToken cancellationToken) =>
        await fleet.GetAsync(cancellationToken).ConfigureAwait(false) is { } rows
            ? TypedResults.Json(rows, HttpJsonContext.Default.IReadOnlyListWorkerRow)
            : TypedResults.Problem("The fleet is unavailable: storage did not answer in time.", statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Storage unavailable");
}
