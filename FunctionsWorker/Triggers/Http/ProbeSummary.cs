namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// The body of <c>/api/health</c> and <c>/api/ready</c> for a caller without the key: enough for a probe, and no worker
/// id, host or account name, or error text, which tell a stranger what the worker talks to.
/// </summary>
public sealed record ProbeSummary(string Status, bool Ready);
