using FunctionsWorker.Inference;


namespace Functions.Tests.Fixtures;

/// <summary>A model provider over runners the test built itself (real sessions, no catalog or store).</summary>
public sealed class StaticModelProvider(IReadOnlyDictionary<string, ModelRunner> runners) : IModelProvider
{
    public ModelRunner GetRunner(string modelName) => runners[modelName];
}
