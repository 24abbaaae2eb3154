using System.Text.Json.Nodes;
using FunctionsWorker.Pipelines;

namespace Functions.Tests.Fixtures;

/// <summary>A pipeline whose behaviour the test scripts (fail, hang, count); the rest of the path is the real one.</summary>
public sealed class ScriptedPipeline : IPipeline
{
    private readonly Func<CancellationToken, Task> _run;
    private int _runs;

    public ScriptedPipeline(string name, Action<CancellationToken> run)
        : this(name, ct => { run(ct); return Task.CompletedTask; })
    {
    }

    public ScriptedPipeline(string name, Func<CancellationToken, Task> run)
    {
        Name = name;
        _run = run;
    }

    public string Name { get; }

    public int Runs => Volatile.Read(ref _runs);

    public IReadOnlyCollection<string> RequiredModels => [];

    public async Task<PipelineResult> RunAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        await _run(cancellationToken);
        return new PipelineResult(new JsonObject { ["ok"] = true }, []);
    }
}
