using System.CommandLine;
using System.CommandLine.Invocation;

namespace FunctionsWorker.Cli;

/// <summary>The <c>fwjobs</c> command tree.</summary>
internal static class FwJobs
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("fwjobs: client for FunctionsWorker: upload inputs and models, submit jobs and follow them, download outputs, query the worker.");
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(DownloadCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(JobsCommand.Create());
        root.Subcommands.Add(PoisonCommand.Create());
        root.Subcommands.Add(WorkersCommand.Create());
        root.Subcommands.Add(UploadCommand.Create());
        root.Subcommands.Add(SampleImageCommand.Create());
        return root;
    }

    public static Task<int> RunAsync(string[] args)
    {
        var parse = CreateRootCommand().Parse(args);
        if (parse.Action is ParseErrorAction error)
        {
            // A usage error is one line naming the problem; --help is there for the rest.
            error.ShowHelp = false;
        }

        return parse.InvokeAsync();
    }
}
