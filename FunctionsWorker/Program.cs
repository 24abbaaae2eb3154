using FunctionsWorker.Hosting;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines.Image;
using FunctionsWorker.Pipelines.Ocr;

if (ProbeCommand.TryGetProbe(args, out var probe)) { return await ProbeCommand.RunAsync(probe, Console.Out); }

var builder = WorkerHostExtensions.CreateWorkerBuilder(new WebApplicationOptions { Args = args });
builder.AddWorkerHost();
builder.AddInference();
builder.AddOcrPipeline();
builder.AddImagePipeline();

var app = builder.Build();
app.MapFunctions();
return await app.RunWorkerAsync();
