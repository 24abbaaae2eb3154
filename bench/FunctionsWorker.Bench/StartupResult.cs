namespace FunctionsWorker.Bench;

/// <summary>
/// Process start to the first 200 from <c>/api/health</c>, for one configuration, in milliseconds, and its median over
/// the bare ASP.NET Core app's median from the same alternating rounds.
/// </summary>
internal sealed record StartupResult(string Configuration, IReadOnlyList<double> RunsMs, double MedianMs, double MinMs, double MaxMs, double RatioToBare);
