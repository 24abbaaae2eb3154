namespace FunctionsWorker.Storage;

/// <summary>
/// Addresses of storage resources as the worker hands them out (records, <c>result.json</c>, replies, status, logs):
/// without the query, because a client built from a connection string with <c>SharedAccessSignature</c> puts the
/// connection's own SAS, signature included, in every <c>Uri</c> it reports.
/// </summary>
public static class StorageUris
{
    /// <summary>Scheme, host and path only: no query (SAS, <c>sig</c>) and no fragment.</summary>
    public static string WithoutQuery(Uri uri) => uri.GetLeftPart(UriPartial.Path);
}
