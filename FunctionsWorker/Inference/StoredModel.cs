namespace FunctionsWorker.Inference;

/// <summary>A verified local copy of a catalog entry.</summary>
/// <param name="FromCache">True when a copy fetched earlier was verified and reused without reading the source.</param>
/// <param name="Healed">True when a cached copy failed verification and was replaced from the source.</param>
/// <param name="VerifyMs">Time spent checking the file before use (hashing a cached copy; inspecting a fresh one).</param>
internal sealed record StoredModel(string Path, string Sha256, long Bytes, bool FromCache, bool Healed, long VerifyMs);
