using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Queue;

namespace FunctionsWorker.Triggers.Http;

/// <summary>HTTP triggers for the poison queue: list with reasons, replay, delete.</summary>
public static class PoisonFunctions
{
    public static RouteGroupBuilder MapPoisonFunctions(this RouteGroupBuilder group)
    {
        group.MapGet("/poison", ListAsync).AddEndpointFilter<FunctionKeyFilter>().AddEndpointFilter<ListLimitFilter>().WithName("ListPoison");
        group.MapPost("/poison/replay", ReplayAsync).AddEndpointFilter<AdminKeyFilter>().WithName("ReplayPoison");
        group.MapDelete("/poison/{messageId}", DeleteAsync).AddEndpointFilter<AdminKeyFilter>().WithName("DeletePoison");
        return group;
    }

    internal static async Task<IResult> ListAsync(PoisonList poison, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Json(await poison.GetAsync(cancellationToken).ConfigureAwait(false), HttpJsonContext.Default.IReadOnlyListPoisonedMessage);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return JobFunctions.Unavailable(ex);
        }
    }

    /// <summary>
    /// All poisoned messages, or those of <paramref name="jobId"/>, or the one <paramref name="messageId"/>, back to the
    /// jobs queue unchanged. 200 with what was done message by message, a partial failure included: a storage error
    /// after some were replayed must not hide that they were.
    /// </summary>
    internal static async Task<IResult> ReplayAsync(PoisonQueueAdmin poison, PoisonList list, string? jobId, string? messageId, CancellationToken cancellationToken)
    {
        try
        {
            var report = await poison.ReplayAsync(jobId, messageId, cancellationToken).ConfigureAwait(false);
            list.Invalidate();
            return TypedResults.Json(new ReplayReport(report.Done.Count, report.Done, report.Failed, report.Stopped), HttpJsonContext.Default.ReplayReport);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return JobFunctions.Unavailable(ex);
        }
    }

    internal static async Task<IResult> DeleteAsync(string messageId, PoisonQueueAdmin poison, PoisonList list, CancellationToken cancellationToken)
    {
        try
        {
            var report = await poison.DeleteAsync(messageId, cancellationToken).ConfigureAwait(false);
            list.Invalidate();
            return (report.Done.Count, report.Failed.Count) switch
            {
                (> 0, _) => TypedResults.NoContent(),
                (_, > 0) => TypedResults.Problem($"Message '{messageId}' was not deleted: {report.Failed[0].Error}.", statusCode: StatusCodes.Status409Conflict, title: "Not deleted"),
                _ => TypedResults.Problem($"No message '{messageId}' in the poison queue.", statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            };
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return JobFunctions.Unavailable(ex);
        }
    }
}
