using FunctionsWorker.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddWorkerHost();

var app = builder.Build();
app.MapFunctions();
return await app.RunWorkerAsync();
