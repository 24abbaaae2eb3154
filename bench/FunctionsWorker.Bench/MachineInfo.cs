using System.Runtime.InteropServices;

namespace FunctionsWorker.Bench;

/// <summary>What the numbers were measured on.</summary>
internal sealed record MachineInfo(int Cores, string Cpu, string Os, string Runtime, string OnnxRuntime, string Configuration, DateTimeOffset Date, string LoadAverage)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        CpuModel(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "unknown",
        RepositoryPaths.Configuration,
        DateTimeOffset.UtcNow,
        LoadAverageNow());

    /// <summary>The 1, 5 and 15 minute load averages: other work on a shared machine shows here, and in the numbers.</summary>
    public static string LoadAverageNow()
    {
        const string loadavg = "/proc/loadavg";
        return File.Exists(loadavg) ? string.Join(' ', File.ReadAllText(loadavg).Split(' ').Take(3)) : "unknown";
    }

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        var line = File.Exists(cpuinfo)
            ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
            : null;
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
