using FunctionsWorker.Health;
using FunctionsWorker.Triggers.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using FunctionsWorker.State;

namespace FunctionsWorker.FunctionsHost;

/// <summary>Health, ready and status as Functions HTTP triggers, answered by the self-hosted worker's handlers.</summary>
public sealed class HealthHttpFunctions(WorkerState state, WorkerHealth health, TimeProvider time, StatusReports reports, IServiceProvider services)
{
    // Resolved here: FunctionKeys is internal to the worker, and a public function class cannot take it in its constructor.
    private readonly FunctionKeys _keys = services.GetRequiredService<FunctionKeys>();

    [Function("Health")]
    public IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "health")] HttpRequest request) =>
        HealthFunctions.GetHealth(state, health, time, _keys, request);

    [Function("Ready")]
    public IResult Ready([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "ready")] HttpRequest request) =>
        HealthFunctions.GetReady(health, _keys, request);

    [Function("Status")]
    public Task<IResult> StatusAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "status")] HttpRequest request, CancellationToken cancellationToken) =>
        HealthFunctions.GetStatusAsync(reports, cancellationToken);
}
