using FunctionsWorker.Triggers.Http;
using FunctionsWorker.Hosting;


var builder = FunctionsWorkerHost.CreateBuilder(new WebApplicationOptions { Args = args });
builder.AddFunctionsWorker();

var app = builder.Build();
app.MapFunctions();
return await app.RunWorkerAsync();
