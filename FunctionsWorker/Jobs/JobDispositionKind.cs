namespace FunctionsWorker.Jobs;

/// <summary>Delete (done), move to <c>&lt;queue&gt;-poison</c>, or make visible again after a delay.</summary>
public enum JobDispositionKind
{
    Delete,
    Poison,
    Release,
}
