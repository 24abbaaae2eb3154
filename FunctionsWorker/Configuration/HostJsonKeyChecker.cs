namespace FunctionsWorker.Configuration;

/// <summary>
/// Finds host.json keys nobody reads, so a typo such as <c>worker.leaseDurtion</c> is reported instead of silently
/// leaving the default in force. Keys compare ignoring case, as configuration does.
/// </summary>
internal static class HostJsonKeyChecker
{
    private static readonly HashSet<string> Nodes = new(StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> Open = new(StringComparer.OrdinalIgnoreCase);

    static HostJsonKeyChecker()
    {
        foreach (var known in HostJsonSchema.Known)
        {
            var open = known.EndsWith(".*", StringComparison.Ordinal);
            var path = open ? known[..^2] : known;
            if (open)
            {
                Open.Add(path);
            }

            // The key and every section above it.
            for (var end = path.Length; end > 0; end = path.LastIndexOf('.', end - 1))
            {
                Nodes.Add(path[..end]);
            }
        }
    }

    /// <summary>
    /// The unknown keys among <paramref name="keys"/> (configuration paths below host.json's root, <c>:</c>-separated),
    /// each reported once at the first segment that is unknown.
    /// </summary>
    public static IReadOnlyList<UnknownHostSetting> Check(IEnumerable<string> keys)
    {
        var unknown = new List<UnknownHostSetting>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            var segments = key.Split(':');
            for (var i = 0; i < segments.Length; i++)
            {
                var path = string.Join('.', segments[..(i + 1)]);
                if (Open.Contains(path))
                {
                    break;
                }

                if (!Nodes.Contains(path))
                {
                    if (seen.Add(path))
                    {
                        unknown.Add(new UnknownHostSetting(path, Suggest(path)));
                    }

                    break;
                }
            }
        }

        return unknown;
    }

    /// <summary>
    /// The known key whose last segment is nearest to the unknown one's (a sibling first on a tie), when near
    /// enough to be a typo or a key put in the wrong section.
    /// </summary>
    internal static string? Suggest(string path)
    {
        var dot = path.LastIndexOf('.');
        var parent = dot < 0 ? string.Empty : path[..dot];
        var name = path[(dot + 1)..];
        string? best = null;
        var bestScore = int.MaxValue;
        foreach (var candidate in Nodes.Order(StringComparer.Ordinal))
        {
            var candidateDot = candidate.LastIndexOf('.');
            var distance = Distance(name, candidate[(candidateDot + 1)..]);
            var sibling = string.Equals(candidateDot < 0 ? string.Empty : candidate[..candidateDot], parent, StringComparison.OrdinalIgnoreCase);
            var score = distance * 2 + (sibling ? 0 : 1);
            if (score < bestScore)
            {
                (best, bestScore) = (candidate, score);
            }
        }

        return bestScore / 2 <= Math.Max(2, name.Length / 3) ? best : null;
    }

    /// <summary>Edit distance ignoring case, with a swap of two neighbouring letters counted as one edit.</summary>
    internal static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
