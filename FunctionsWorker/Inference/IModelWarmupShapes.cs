namespace FunctionsWorker.Inference;

/// <summary>
/// Input shapes a pipeline will run a model with, beyond the model's own dummy shape: each is warmed at start-up until
/// its run time settles, before the model is Ready, so the first job after ready meets no shape ONNX Runtime has not
/// seen. A pipeline that pads its inputs to a few fixed shapes registers one of these.
/// </summary>
public interface IModelWarmupShapes
{
    /// <summary>The full input shapes (one per input name) for <paramref name="modelName"/>; none for a model it does not use.</summary>
    IEnumerable<IReadOnlyDictionary<string, int[]>> For(string modelName, IReadOnlyDictionary<string, int[]> declaredInputs);
}
