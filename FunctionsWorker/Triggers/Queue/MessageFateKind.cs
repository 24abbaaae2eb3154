namespace FunctionsWorker.Triggers.Queue;

/// <summary>Delete (done), move to <c>&lt;queue&gt;-poison</c>, or make visible again after a delay.</summary>
public enum MessageFateKind
{
    Delete,
    Poison,
    Release,
}
