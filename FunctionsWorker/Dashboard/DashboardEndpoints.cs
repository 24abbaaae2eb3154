using FunctionsWorker.Triggers.Http;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Dashboard;

/// <summary>
/// <c>GET /dashboard</c>, outside the route prefix: one static page for operators that reads only the HTTP triggers'
/// JSON (status, workers, jobs, poison), so nothing it shows is computed for it alone. The page is anonymous; what it
/// reads keeps the triggers' key rules, and the page asks for the key when the API does.
/// </summary>
public static class DashboardEndpoints
{
    public const string Path = "/dashboard";

    /// <summary>Scripts and styles only from the worker itself, no inline script, nothing framed, no form posted elsewhere.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var assets = new DashboardAssets(app.Services.GetRequiredService<IOptions<HttpOptions>>().Value.RoutePrefix);
        app.MapGet(Path, (HttpContext context) => Serve(context, assets.Page)).WithName("Dashboard");
        app.MapGet(Path + "/{file}", (string file, HttpContext context) =>
            file != "index.html" && assets.TryGet(file, out var asset) ? Serve(context, asset) : TypedResults.NotFound());
        return app;
    }

    private static IResult Serve(HttpContext context, DashboardAsset asset)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load: a new worker version brings its own page, never a cached old script.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
