namespace FunctionsWorker.Inference;

/// <summary>Hands pipelines the runner of a warm model; throws a worker fault when the model is not Ready.</summary>
public interface IModelProvider
{
    ModelRunner GetRunner(string modelName);
}
