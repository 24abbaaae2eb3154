namespace FunctionsWorker.Configuration;

/// <summary>
/// A settings file or app setting the worker cannot start with; its message names the file or setting and what is
/// allowed. Not a <c>WorkerException</c>: it is never a job's failure and has no failure class.
/// </summary>
public sealed class InvalidConfigurationException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
