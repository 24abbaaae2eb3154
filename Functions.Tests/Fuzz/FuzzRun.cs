using System.Globalization;

namespace Functions.Tests.Fuzz;

/// <summary>
/// How long the fuzz properties run: <c>FUZZ_ITERATIONS</c> inputs per target (default a few hundred, so the suite
/// spends seconds on them; <c>scripts/fuzz.sh</c> sets millions), on <c>FUZZ_THREADS</c> threads (default 1), from
/// <c>FUZZ_SEED</c> when a failure is being replayed.
/// </summary>
public static class FuzzRun
{
    public static long Iterations(long defaultIterations = 300) => Read("FUZZ_ITERATIONS", defaultIterations);

    public static int Threads => (int)Read("FUZZ_THREADS", 1);

    public static string? Seed => Environment.GetEnvironmentVariable("FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    /// <summary>Writes one line per target to <c>FUZZ_REPORT</c> (when set), for the report of a long run.</summary>
    public static void Record(string target, long executions, TimeSpan elapsed, string outcomes)
    {
        if (Environment.GetEnvironmentVariable("FUZZ_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture,
                $"{target}\t{executions}\t{elapsed.TotalSeconds:F1}\t{outcomes}{Environment.NewLine}"));
        }
    }

    private static long Read(string name, long fallback) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
