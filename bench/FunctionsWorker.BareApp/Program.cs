// The floor of the start-up section: an ASP.NET Core app with nothing but /api/health, started the way the worker
// is (dotnet <dll>, PORT from the environment), so the worker's start-up reads as a ratio to what the framework costs.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls($"http://0.0.0.0:{Environment.GetEnvironmentVariable("PORT") ?? "8080"}");
var app = builder.Build();
app.MapGet("/api/health", () => TypedResults.Ok("Healthy"));
await app.RunAsync().ConfigureAwait(false);
