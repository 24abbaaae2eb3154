using System.Diagnostics.Metrics;
using FunctionsWorker.Telemetry;

namespace FunctionsWorker.Inference;

/// <summary>
/// <c>functionsworker.model.state</c>: 1 for each model's current state and 0 for the others (a state set, so a
/// dashboard can sum by state or alert on <c>state="failed"</c>), read from the cache's in-memory snapshot.
/// </summary>
internal sealed class ModelStateGauge(ModelCache cache) : ITelemetryGauge
{
    private static readonly ModelState[] States = Enum.GetValues<ModelState>();

    public string Name => "functionsworker.model.state";

    public string Unit => "{model}";

    public string Description => "1 for the state each catalog model is in now, 0 for the others.";

    public IEnumerable<Measurement<long>> Observe()
    {
        foreach (var model in cache.GetSnapshot().Models)
        {
            foreach (var state in States)
            {
                yield return new Measurement<long>(model.State == state ? 1 : 0,
                    new("model", model.Name), new("state", state.ToString().ToLowerInvariant()));
            }
        }
    }
}
