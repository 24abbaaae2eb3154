using System.CommandLine;

namespace FunctionsWorker.Cli;

/// <summary>How to reach the worker's HTTP triggers: base URL and the function key (<c>x-functions-key</c>).</summary>
internal sealed class WorkerOptions
{
    public const string KeyVariable = "FunctionKey";

    public Option<string?> Url { get; } = new("--url") { Description = "Worker base URL.", DefaultValueFactory = _ => "http://localhost:7071" };

    // No DefaultValueFactory: help would print the key taken from the environment.
    public Option<string?> Key { get; } = new("--key") { Description = $"Function key, sent as x-functions-key [default: ${KeyVariable}]." };

    public Option<string> RoutePrefix { get; } = new("--route-prefix") { Description = "HTTP route prefix (host.json extensions.http.routePrefix).", DefaultValueFactory = _ => "api" };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Key);
        command.Options.Add(RoutePrefix);
    }

    public WorkerClient Resolve(ParseResult parse)
    {
        var url = StorageOptions.Endpoint(parse, Url)!;
        var key = parse.GetValue(Key) ?? (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        var prefix = parse.GetValue(RoutePrefix)!.Trim('/');
        return new WorkerClient(new Uri(url, prefix.Length == 0 ? "/" : $"/{prefix}/"), key);
    }
}
