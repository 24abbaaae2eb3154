namespace FunctionsWorker.Triggers.Http;

/// <summary>One key of a Functions secrets file: its name, its value, and whether the value is encrypted (then unusable here).</summary>
public sealed record HostKey(string Name, string Value, bool Encrypted);
