namespace FunctionsWorker.Inference;

/// <summary>
/// Whether the model runners are full now: read by the queue trigger, which adds no job slot while a job that needs a
/// model would only queue for it.
/// </summary>
public interface IInferenceLoad
{
    /// <summary>Some runner has more callers than it can run at once (<see cref="ModelRunner.Saturated"/>).</summary>
    bool Saturated { get; }
}
