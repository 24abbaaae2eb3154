using FunctionsWorker.Inference;


namespace Functions.Tests.Fixtures;

/// <summary>A model provider over runners the test built itself (real sessions, no catalog or store) and files by name.</summary>
public sealed class StaticModelProvider(IReadOnlyDictionary<string, ModelRunner> runners, IReadOnlyDictionary<string, string>? files = null) : IModelProvider
{
    public ModelRunner GetRunner(string modelName) => runners[modelName];

    public string GetFilePath(string name) => files![name];
}
