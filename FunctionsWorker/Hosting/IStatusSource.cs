namespace FunctionsWorker.Hosting;

/// <summary>A component that adds a section to <c>/api/status</c> (for example the model cache's per-model states).</summary>
public interface IStatusSource
{
    /// <summary>The property name of the section in the status body.</summary>
    string Name { get; }

    object Describe();
}
