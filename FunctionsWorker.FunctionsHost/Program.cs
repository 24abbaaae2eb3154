using FunctionsWorker.FunctionsHost;
using FunctionsWorker.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The isolated worker the Functions host starts: the same core as the self-hosted worker, the host's triggers in front.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddWorkerCore();
builder.Services.AddFunctionsHostTrigger();
using var host = builder.Build();
await host.RunAsync().ConfigureAwait(false);
