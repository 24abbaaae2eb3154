using FunctionsWorker.Errors;



namespace FunctionsWorker.Inference;

/// <summary>
/// A model could not be fetched, verified or loaded. <see cref="Retryable"/> separates a source that may come good
/// (storage unreachable, blob not uploaded yet) from one whose content is wrong (hash mismatch, LFS pointer).
/// </summary>
internal sealed class ModelLoadException(string errorType, string message, bool retryable, Exception? innerException = null)
    : WorkerException(errorType, message, innerException)
{
    public bool Retryable { get; } = retryable;

    public override FailureClass FailureClass => FailureClass.WorkerFault;
}
