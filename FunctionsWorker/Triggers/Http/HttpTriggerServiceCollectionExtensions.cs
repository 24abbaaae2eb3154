using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

/// <summary>Registers and maps the HTTP triggers: health, ready, status and job records.</summary>
public static class HttpTriggerServiceCollectionExtensions
{
    public static IServiceCollection AddHttpTriggers(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<HttpOptions>()
            .BindConfiguration(HttpOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.FunctionKey = configuration["FunctionKey"];
                // Functions' own setting as it is; a platform name made into a valid id (every replica derives the same one).
                if (configuration[HttpOptions.HostIdSetting] is { Length: > 0 } hostId)
                {
                    options.HostId = hostId;
                }
                else if ((configuration["CONTAINER_APP_NAME"] ?? configuration["WEBSITE_SITE_NAME"]) is { Length: > 0 } app)
                {
                    options.HostId = HttpOptionsValidator.ToHostId(app);
                }
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpOptions>, HttpOptionsValidator>());
        // Enums as strings through the context's UseStringEnumConverter, not a reflection-based converter (native AOT).
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, HttpJsonContext.Default));
        services.AddProblemDetails();
        services.TryAddSingleton<HostSecretsStore>();
        services.TryAddSingleton<FunctionKeys>();
        services.TryAddSingleton<RequestLimits>();
        services.TryAddSingleton<FunctionKeyFilter>();
        services.TryAddSingleton<AdminKeyFilter>();
        services.TryAddSingleton<ListLimitFilter>();
        services.TryAddSingleton<FleetView>();
        services.TryAddSingleton<StatusReports>();
        services.TryAddSingleton<JobLists>();
        services.TryAddSingleton<PoisonList>();
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
        var keys = app.Services.GetRequiredService<FunctionKeys>();
        app.Lifetime.ApplicationStarted.Register(() => _ = keys.PreloadAsync(app.Lifetime.ApplicationStopping));
        return app;
    }
}
