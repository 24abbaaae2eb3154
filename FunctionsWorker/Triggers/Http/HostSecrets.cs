using System.Buffers.Text;
using System.Security.Cryptography;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// The host keys file the Functions host keeps in blob container <c>azure-webjobs-secrets</c> as <c>{hostId}/host.json</c>:
/// a master key and named function keys. The worker reads a file Functions wrote and writes one Functions can read.
/// </summary>
public sealed record HostSecrets(HostKey? MasterKey, IReadOnlyList<HostKey>? FunctionKeys, IReadOnlyList<HostKey>? SystemKeys, string? Source)
{
    // 32 random bytes: 256 bits, as hard to guess as the platform's own keys.
    private const int KeyBytes = 32;

    /// <summary>A new file with a random master key and a random <c>default</c> function key.</summary>
    public static HostSecrets Generate() =>
        new(new HostKey("master", NewKey(), false), [new HostKey("default", NewKey(), false)], [], "runtime");

    /// <summary>The values that open the function routes: every unencrypted function key and the master key, as in Functions.</summary>
    public IReadOnlyList<string> UsableKeys() =>
        [.. (FunctionKeys ?? []).Append(MasterKey).OfType<HostKey>().Where(key => !key.Encrypted && key.Value.Length > 0).Select(key => key.Value)];

    private static string NewKey() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(KeyBytes));
}
