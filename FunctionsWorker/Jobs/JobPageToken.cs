namespace FunctionsWorker.Jobs;

/// <summary>The keys of the last index row a listing read: the next page starts after it.</summary>
public sealed record JobPageToken(string PartitionKey, string RowKey)
{
    /// <summary>Whether the keys have the shape of an index row's (a client's token; the query filter escapes it anyway).</summary>
    public bool IsValid =>
        PartitionKey.StartsWith(JobTimeIndex.PartitionPrefix, StringComparison.Ordinal) && PartitionKey.Length == JobTimeIndex.PartitionPrefix.Length + 12 &&
        PartitionKey[JobTimeIndex.PartitionPrefix.Length..].All(char.IsAsciiDigit) &&
        RowKey.Length > 20 && RowKey[19] == '_' && RowKey[..19].All(char.IsAsciiDigit);
}
