using System.CommandLine;
using FunctionsWorker.Cli;

// fwjobs: a producer's client for the worker: upload blobs, render a sample image, submit a job and wait for its result.
var root = new RootCommand("Client for FunctionsWorker: upload inputs and models, submit jobs, wait for results.");
root.Subcommands.Add(UploadCommand.Create());
root.Subcommands.Add(SampleImageCommand.Create());
root.Subcommands.Add(SubmitCommand.Create());
return await root.Parse(args).InvokeAsync();
