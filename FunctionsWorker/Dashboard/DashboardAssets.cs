using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace FunctionsWorker.Dashboard;

/// <summary>
/// The dashboard's page, style sheet and script, read once from the worker assembly's embedded resources: the page
/// works offline and from a read-only container, with nothing on disk to serve or lose.
/// </summary>
internal sealed class DashboardAssets
{
    private const string ResourcePrefix = "FunctionsWorker.Dashboard.Assets.";
    private const string ApiBasePlaceholder = "{{api-base}}";

    private readonly Dictionary<string, DashboardAsset> _assets;

    /// <param name="routePrefix">host.json <c>extensions.http.routePrefix</c>: the page reads the API under it.</param>
    public DashboardAssets(string routePrefix)
    {
        var prefix = routePrefix.Trim('/');
        var apiBase = prefix.Length == 0 ? string.Empty : "/" + prefix;
        _assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal)
        {
            ["index.html"] = Load("index.html", "text/html; charset=utf-8",
                text => text.Replace(ApiBasePlaceholder, WebUtility.HtmlEncode(apiBase), StringComparison.Ordinal)),
            ["dashboard.css"] = Load("dashboard.css", "text/css; charset=utf-8"),
            ["dashboard.js"] = Load("dashboard.js", "text/javascript; charset=utf-8"),
        };
    }

    /// <summary>The page itself.</summary>
    public DashboardAsset Page => _assets["index.html"];

    public bool TryGet(string name, out DashboardAsset asset) => _assets.TryGetValue(name, out asset!);

    private static DashboardAsset Load(string name, string contentType, Func<string, string>? transform = null)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The dashboard asset '{name}' is not embedded in {typeof(DashboardAssets).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        var bytes = Encoding.UTF8.GetBytes(transform is null ? text : transform(text));
        return new DashboardAsset(bytes, contentType, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
    }
}
