namespace FunctionsWorker.Inference;

/// <summary>
/// Input shapes a pipeline will run a model with, most common first. The first is warmed at start-up until its run time
/// settles, before the model is Ready: a session's first runs are its slow ones, whatever the shape. The rest are warmed
/// after ready, in the background and only while no job wants the model (<see cref="ModelRunner.TryRunWhenIdleAsync"/>),
/// largest first so the memory arena reaches its peak before a job needs it; a job never waits for them.
/// </summary>
public interface IModelWarmupShapes
{
    /// <summary>The full input shapes (one per input name) for <paramref name="modelName"/>, most common first; none for a model it does not use.</summary>
    IEnumerable<IReadOnlyDictionary<string, int[]>> For(string modelName, IReadOnlyDictionary<string, int[]> declaredInputs);
}
