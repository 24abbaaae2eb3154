namespace FunctionsWorker.Inference;

/// <summary>
/// The sidecar written next to a verified model file: while size and modification time still match, the file is
/// trusted without hashing it again, so a restart with a 1 GB model costs no re-download and no re-hash.
/// </summary>
internal sealed record ModelCacheStamp(string Source, string Sha256, long Bytes, DateTime LastWriteUtc)
{
    public bool Matches(string source, string? expectedSha256, FileInfo file) =>
        string.Equals(Source, source, StringComparison.Ordinal)
        && (expectedSha256 is null || string.Equals(Sha256, expectedSha256, StringComparison.OrdinalIgnoreCase))
        && file.Exists
        && file.Length == Bytes
        && file.LastWriteTimeUtc == LastWriteUtc;
}
