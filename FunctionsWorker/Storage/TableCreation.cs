using Azure;
using Azure.Data.Tables;

namespace FunctionsWorker.Storage;

/// <summary>Creating the worker's tables without the SDK's reflection-serialized request (native AOT).</summary>
public static class TableCreation
{
    /// <summary>
    /// Creates the table unless it exists, with what <see cref="TableClient.CreateIfNotExistsAsync"/> accepts: any 409
    /// but <c>TableBeingDeleted</c> is "already there". That method serializes its request with reflection-based JSON
    /// (Azure.Data.Tables 12.13: <c>RequestContent.Create(object)</c>), which native AOT leaves off, so it sends an empty
    /// body; <see cref="TableClient.CreateAsync"/> writes the same request with the SDK's generated serializer.
    /// </summary>
    public static async Task CreateIfMissingAsync(this TableClient table, CancellationToken cancellationToken)
    {
        try
        {
            await table.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode != "TableBeingDeleted")
        {
            // Created before us, by this worker's earlier start or by another worker: what was wanted.
        }
    }
}
