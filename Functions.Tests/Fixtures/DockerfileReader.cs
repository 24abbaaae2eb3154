using System.Text.Json;

namespace Functions.Tests.Fixtures;

/// <summary>Reads the repository's Dockerfile as instructions (continuation lines joined, comments dropped).</summary>
public static class DockerfileReader
{
    public static string DockerfilePath => Path.Combine(RepositoryPaths.Root, "Dockerfile");

    /// <summary>Every instruction as (keyword, rest of the line), in file order.</summary>
    public static IReadOnlyList<(string Keyword, string Arguments)> Instructions()
    {
        var instructions = new List<(string, string)>();
        var pending = string.Empty;
        foreach (var raw in File.ReadAllLines(DockerfilePath))
        {
            var line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var whole = (pending + line).Trim();
            pending = string.Empty;
            var space = whole.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0 ? (whole.ToUpperInvariant(), string.Empty) : (whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim()));
        }

        return instructions;
    }

    /// <summary>The HEALTHCHECK's exec-form command (the JSON array after CMD).</summary>
    public static IReadOnlyList<string> HealthcheckCommand()
    {
        var healthcheck = Instructions().Single(i => i.Keyword == "HEALTHCHECK").Arguments;
        var cmd = healthcheck.IndexOf("CMD ", StringComparison.Ordinal);
        if (cmd < 0)
        {
            throw new InvalidOperationException("HEALTHCHECK has no CMD: " + healthcheck);
        }

        return JsonSerializer.Deserialize<string[]>(healthcheck[(cmd + 4)..].Trim())
            ?? throw new InvalidOperationException("HEALTHCHECK CMD is not an exec-form JSON array: " + healthcheck);
    }
}
