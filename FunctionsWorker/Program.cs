using FunctionsWorker.Hosting;
using FunctionsWorker.Triggers.Http;

// The container's HEALTHCHECK: one HTTP probe, no host built.
if (ProbeCommand.TryGetProbe(args, out var probe))
{
    return await ProbeCommand.RunAsync(probe, Console.Out);
}

var builder = FunctionsWorkerHost.CreateBuilder(new WebApplicationOptions { Args = args });
builder.AddFunctionsWorker();

var app = builder.Build();
app.MapFunctions();
return await app.RunWorkerAsync();
