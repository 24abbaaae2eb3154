using System.Diagnostics;
using Azure;
using Microsoft.Extensions.Options;
using FunctionsWorker.Health;
using FunctionsWorker.Storage;
using FunctionsWorker.State;

namespace FunctionsWorker.Triggers.Http;

/// <summary>HTTP triggers <c>/health</c> (liveness), <c>/ready</c> (readiness) and <c>/status</c> (everything an operator asks).</summary>
public static class HealthFunctions
{
    public static RouteGroupBuilder MapHealthFunctions(this RouteGroupBuilder group)
    {
        // HEAD as well as GET: some probes and load balancers check with HEAD; OPTIONS says which methods are allowed.
        group.MapMethods("/health", [HttpMethods.Get, HttpMethods.Head], GetHealth).WithName("Health");
        group.MapMethods("/ready", [HttpMethods.Get, HttpMethods.Head], GetReady).WithName("Ready");
        group.MapMethods("/health", [HttpMethods.Options], AllowProbeMethods);
        group.MapMethods("/ready", [HttpMethods.Options], AllowProbeMethods);
        group.MapGet("/status", GetStatusAsync).AddEndpointFilter<FunctionKeyFilter>().WithName("Status");
        return group;
    }

    internal static IResult AllowProbeMethods(HttpResponse response)
    {
        response.Headers.Allow = "GET, HEAD, OPTIONS";
        return TypedResults.NoContent();
    }

    // Answers from memory only: no storage, no model, nothing that can block. The details only to a caller with the key.
    internal static IResult GetHealth(WorkerState state, WorkerHealth health, TimeProvider time, FunctionKeys keys, HttpRequest request)
    {
        var stuck = health.StuckLoops();
        var status = stuck.Count > 0 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        if (!keys.Admits(request))
        {
            return Summary(stuck.Count > 0 ? "unhealthy" : health.Status, health.NotReadyReasons(stuck).Count == 0, status);
        }

        var body = new HealthReport(
            stuck.Count > 0 ? "unhealthy" : health.Status,
            state.WorkerId,
            (long)(time.GetUtcNow() - state.StartedAt).TotalMilliseconds,
            health.NotReadyReasons(stuck).Count == 0,
            state.Warmup,
            state.StorageReachable ? null : state.StorageError,
            stuck);
        return TypedResults.Json(body, HttpJsonContext.Default.HealthReport, statusCode: status);
    }

    internal static IResult GetReady(WorkerHealth health, FunctionKeys keys, HttpRequest request)
    {
        var reasons = health.NotReadyReasons();
        var status = reasons.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        return keys.Admits(request)
            ? TypedResults.Json(new ReadinessReport(reasons.Count == 0, reasons), HttpJsonContext.Default.ReadinessReport, statusCode: status)
            : Summary(health.Status, reasons.Count == 0, status);
    }

    private static IResult Summary(string status, bool ready, int statusCode) =>
        TypedResults.Json(new ProbeSummary(status, ready), HttpJsonContext.Default.ProbeSummary, statusCode: statusCode);

    internal static async Task<IResult> GetStatusAsync(StatusReports reports, CancellationToken cancellationToken) =>
        TypedResults.Json(await reports.GetAsync(cancellationToken).ConfigureAwait(false), HttpJsonContext.Default.StatusReport);
}
