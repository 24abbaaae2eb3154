using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using FunctionsWorker.Telemetry;

namespace FunctionsWorker.Triggers.Http;

/// <summary>Registers and maps the HTTP triggers: health, ready, status and job records.</summary>
public static class HttpTriggerServiceCollectionExtensions
{
    public static IServiceCollection AddHttpTriggers(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<HttpOptions>()
            .BindConfiguration(HttpOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) => options.FunctionKey = configuration["FunctionKey"]);
        // Enums as strings through the context's UseStringEnumConverter, not a reflection-based converter (native AOT).
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, HttpJsonContext.Default));
        services.AddProblemDetails();
        services.TryAddSingleton<FunctionKeyFilter>();
        services.TryAddSingleton<AdminKeyFilter>();
        services.TryAddSingleton<QueueLengths>();
        services.AddSingleton<ITelemetryGauge, QueueLengthGauge>();
        services.TryAddSingleton<FleetView>();
        services.TryAddSingleton<StatusReports>();
        return services;
    }

    /// <summary>Maps the HTTP triggers under host.json's <c>extensions.http.routePrefix</c>.</summary>
    public static WebApplication MapFunctions(this WebApplication app)
    {
        var prefix = app.Services.GetRequiredService<IOptions<HttpOptions>>().Value.RoutePrefix.Trim('/');
        var group = app.MapGroup(prefix.Length == 0 ? "/" : "/" + prefix);
        group.MapHealthFunctions();
        group.MapJobFunctions();
        group.MapPoisonFunctions();
        group.MapFleetFunctions();
        return app;
    }
}
