using System.Text.Json;

namespace FunctionsWorker.Health;

/// <summary>A component that adds a section to <c>/api/status</c> (for example the model cache's per-model states).</summary>
public interface IStatusSource
{
    /// <summary>The property name of the section in the status body.</summary>
    string Name { get; }

    /// <summary>The section, serialized by the source with its own (source-generated) contract.</summary>
    JsonElement Describe();
}
