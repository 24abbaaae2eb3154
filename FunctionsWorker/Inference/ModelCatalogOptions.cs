using Microsoft.Extensions.Options;

namespace FunctionsWorker.Inference;

/// <summary>The models this worker may load, by name (section <c>Models</c>).</summary>
public sealed class ModelCatalogOptions
{
    public const string SectionName = "Models";

    public IDictionary<string, ModelOptions> Models { get; } =
        new Dictionary<string, ModelOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Throws when a name the pipelines need has no catalog entry, naming the missing <c>Models:&lt;name&gt;:Source</c>
    /// settings; the host calls it at startup with every pipeline's <c>RequiredModels</c>.
    /// </summary>
    public void ValidateRequiredModels(IEnumerable<string> requiredModels)
    {
        ArgumentNullException.ThrowIfNull(requiredModels);
        var failures = requiredModels
            .Where(name => !Models.TryGetValue(name, out var model) || string.IsNullOrWhiteSpace(model.Source))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(name => $"Model '{name}' is required by a pipeline but not configured: set 'Models:{name}:Source' " +
                            $"(and 'Models:{name}:Sha256' for a blob source).")
            .ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(SectionName, typeof(ModelCatalogOptions), failures);
        }
    }
}
