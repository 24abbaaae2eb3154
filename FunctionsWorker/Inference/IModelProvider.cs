namespace FunctionsWorker.Inference;

/// <summary>Hands pipelines the runner of a warm model, or the local path of a catalog file; throws a worker fault when it is not Ready.</summary>
public interface IModelProvider
{
    ModelRunner GetRunner(string modelName);

    /// <summary>The verified local copy of a <see cref="ModelKind.File"/> catalog entry (the OCR dictionary, for example).</summary>
    string GetFilePath(string name);
}
