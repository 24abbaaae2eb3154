namespace Functions.Tests.Fixtures;

/// <summary>
/// The ranges Azure Container Apps accepts for a probe (the ContainerAppProbe reference: failureThreshold 1-10,
/// successThreshold 1-10 and 1 for liveness and startup, initialDelaySeconds 1-60, periodSeconds 1-240,
/// timeoutSeconds 1-240). A value outside them fails the whole deployment.
/// </summary>
public static class ContainerAppsProbeLimits
{
    private static readonly Dictionary<string, (int Min, int Max)> Ranges = new(StringComparer.Ordinal)
    {
        ["failureThreshold"] = (1, 10),
        ["successThreshold"] = (1, 10),
        ["initialDelaySeconds"] = (1, 60),
        ["periodSeconds"] = (1, 240),
        ["timeoutSeconds"] = (1, 240),
    };

    public static IReadOnlyCollection<string> Settings => Ranges.Keys;

    /// <summary>What is wrong with one probe's numeric settings; empty when the platform accepts them.</summary>
    public static IReadOnlyList<string> Violations(string type, IReadOnlyDictionary<string, int> settings)
    {
        var violations = new List<string>();
        foreach (var (name, value) in settings)
        {
            if (Ranges.TryGetValue(name, out var range) && (value < range.Min || value > range.Max))
            {
                violations.Add($"{type} {name} {value} is outside {range.Min}-{range.Max}");
            }
        }

        if (type is "Liveness" or "Startup" && settings.TryGetValue("successThreshold", out var success) && success != 1)
        {
            violations.Add($"{type} successThreshold must be 1, got {success}");
        }

        return violations;
    }
}
