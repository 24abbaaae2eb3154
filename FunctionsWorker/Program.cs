using FunctionsWorker.Hosting;

// The container's HEALTHCHECK: one HTTP probe, no host built.
if (ProbeCommand.TryGetProbe(args, out var probe))
{
    return await ProbeCommand.RunAsync(probe, Console.Out);
}

// Build and run inside one error boundary: a bad setting, a bad settings file or a port in use is one line and exit code 1.
return await FunctionsWorkerHost.RunAsync(args);
