using System.Text;

namespace Functions.Tests.Fuzz;

/// <summary>
/// Byte-level mutations of a valid seed, driven by one random seed so that CsCheck can shrink a failure to a small
/// seed and a short mutation list: bit flips, byte sets to boundary values, truncation, chunk duplication, deletion,
/// insertion of random bytes, and big-endian 16/32-bit field rewrites (image sizes, chunk lengths).
/// </summary>
public static class Mutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF];
    private static readonly uint[] InterestingWords = [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 6000, 65500, 1_000_001];

    public static byte[] Mutate(byte[] seed, int randomSeed, int mutations)
    {
        var random = new Random(randomSeed);
        var data = new List<byte>(seed);
        for (var i = 0; i < mutations && data.Count > 0; i++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(9))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    data[at] = (byte)random.Next(256);
                    break;
                case 3:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 4:
                {
                    var length = Math.Min(random.Next(1, 64), data.Count - at);
                    var chunk = data.GetRange(at, length);
                    data.InsertRange(Math.Min(data.Count, at + length), chunk);
                    break;
                }

                case 5:
                    data.RemoveRange(at, Math.Min(random.Next(1, 32), data.Count - at));
                    break;
                case 6:
                {
                    var bytes = new byte[random.Next(1, 16)];
                    random.NextBytes(bytes);
                    data.InsertRange(at, bytes);
                    break;
                }

                case 7 when at + 2 <= data.Count:
                {
                    var word = InterestingWords[random.Next(InterestingWords.Length)];
                    data[at] = (byte)(word >> 8);
                    data[at + 1] = (byte)word;
                    break;
                }

                case 8 when at + 4 <= data.Count:
                {
                    var word = InterestingWords[random.Next(InterestingWords.Length)];
                    for (var b = 0; b < 4; b++)
                    {
                        data[at + b] = (byte)(word >> (24 - (8 * b)));
                    }

                    break;
                }
            }
        }

        return [.. data];
    }

    /// <summary>The same mutations applied to the UTF-8 of a text, read back leniently (invalid UTF-8 becomes U+FFFD).</summary>
    public static string Mutate(string seed, int randomSeed, int mutations) =>
        Encoding.UTF8.GetString(Mutate(Encoding.UTF8.GetBytes(seed), randomSeed, mutations));
}
