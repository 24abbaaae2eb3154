using Azure;

namespace FunctionsWorker.Storage;

/// <summary>Sorts storage failures by status and error code, as the WebJobs queue extension does.</summary>
public static class StorageErrors
{
    public static bool IsNotFound(this RequestFailedException ex) => ex.Status == 404;

    public static bool IsMessageGone(this RequestFailedException ex) =>
        ex.Status == 404 && ex.ErrorCode is "MessageNotFound" or "QueueNotFound" or null;

    /// <summary>The pop receipt is stale: someone else holds the message now (our lease lapsed).</summary>
    public static bool IsPopReceiptMismatch(this RequestFailedException ex) =>
        ex.Status == 400 && ex.ErrorCode == "PopReceiptMismatch";

    /// <summary>
    /// A failure of the storage service or the way to it, in any shape the SDK throws: an answer it refused
    /// (<see cref="RequestFailedException"/>), no answer in time (the SDK's own network timeout surfaces as a
    /// <see cref="TaskCanceledException"/> or <see cref="TimeoutException"/>), a broken connection (socket and IO
    /// errors), no token for an identity-based connection (<see cref="Azure.Identity.AuthenticationFailedException"/>,
    /// also when the managed identity endpoint is unavailable), or the <see cref="AggregateException"/> of these once its
    /// retries are spent. Callers tell their own cancellation apart by their token.
    /// </summary>
    public static bool IsStorageFailure(Exception ex) => ex switch
    {
        RequestFailedException => true,
        Azure.Identity.AuthenticationFailedException => true,
        TimeoutException or OperationCanceledException or HttpRequestException or IOException or System.Net.Sockets.SocketException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsStorageFailure),
        _ => false,
    };

    /// <summary>The first <see cref="RequestFailedException"/> inside a storage failure, for status and error code.</summary>
    public static RequestFailedException? AsRequestFailed(Exception ex) => ex switch
    {
        RequestFailedException failed => failed,
        AggregateException aggregate => aggregate.InnerExceptions.Select(AsRequestFailed).FirstOrDefault(e => e is not null),
        _ => null,
    };

    /// <summary>The container, queue or table an operation addressed does not exist.</summary>
    public static bool IsMissingTarget(this RequestFailedException ex) =>
        ex.Status == 404 && ex.ErrorCode is "ContainerNotFound" or "QueueNotFound" or "TableNotFound";

    /// <summary>
    /// Runs <paramref name="operation"/>; when its container, queue or table is missing, creates it and runs it once
    /// more. Created on first use and again if deleted since, with no cached "exists" that could go stale.
    /// </summary>
    public static async Task CreatingIfMissingAsync(Func<Task> operation, Func<Task> create)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
            await create().ConfigureAwait(false);
            await operation().ConfigureAwait(false);
        }
    }

    /// <summary>One line for logs, status and problem details: status and error code, then the message's first line.</summary>
    public static string Describe(Exception ex)
    {
        var failed = AsRequestFailed(ex);
        var text = failed?.Message ?? ex.Message;
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        var first = (end < 0 ? text : text[..end]).Trim();
        return failed is null ? first : $"{failed.Status} {failed.ErrorCode}: {first}".Trim();
    }

    /// <summary>Worth retrying: throttling, server errors, timeouts and no answer at all (status 0).</summary>
    public static bool IsTransient(this RequestFailedException ex) => ex.Status is 0 or 408 or 429 or >= 500;
}
