using FunctionsWorker.Hosting;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines.Ocr;

var builder = WebApplication.CreateBuilder(args);
builder.AddWorkerHost();
builder.AddInference();
builder.AddOcrPipeline();

var app = builder.Build();
app.MapFunctions();
return await app.RunWorkerAsync();
