using System.CommandLine;

namespace FunctionsWorker.Cli;

/// <summary>Where jobs go and leave their traces; the defaults are the worker's (<c>JobsQueueName</c>, <c>JobsTableName</c>).</summary>
internal sealed class JobStoreOptions
{
    public Option<string> Queue { get; } = new("--queue") { Description = "Jobs queue.", DefaultValueFactory = _ => "jobs" };

    public Option<string> Table { get; } = new("--table") { Description = "Job records table.", DefaultValueFactory = _ => "jobs" };

    public Option<string> InputContainer { get; } = new("--input-container") { Description = "Container the input is uploaded to.", DefaultValueFactory = _ => "inputs" };

    public Option<string> OutputContainer { get; } = new("--output-container") { Description = "Container the worker writes outputs to.", DefaultValueFactory = _ => "outputs" };
}
