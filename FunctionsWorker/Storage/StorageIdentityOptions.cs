namespace FunctionsWorker.Storage;

/// <summary>
/// Functions' identity-based settings for the <c>AzureWebJobsStorage</c> connection (<c>AzureWebJobsStorage__accountName</c>
/// and so on; <c>AzureWebJobsStorage:accountName</c> inside configuration): where the account is and which Microsoft
/// Entra identity signs in to it. Used instead of a connection string, never together with one.
/// </summary>
/// <remarks>
/// The endpoints are strings, checked by <see cref="StorageOptionsValidator"/>: a malformed URI then fails startup with
/// a message naming the setting, where the binder would throw an exception the host does not report as a setting error.
/// </remarks>
public sealed class StorageIdentityOptions
{
    /// <summary>The credential for <c>managedidentity</c>; Functions' other kinds are refused at startup.</summary>
    public const string ManagedIdentity = "managedidentity";

    /// <summary><c>AzureWebJobsStorage__accountName</c>: endpoints <c>https://&lt;name&gt;.{blob,queue,table}.core.windows.net</c>.</summary>
    public string? AccountName { get; set; }

    /// <summary><c>AzureWebJobsStorage__blobServiceUri</c>; wins over the endpoint implied by <see cref="AccountName"/>.</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary><c>AzureWebJobsStorage__queueServiceUri</c>; wins over the endpoint implied by <see cref="AccountName"/>.</summary>
    public string? QueueServiceUri { get; set; }

    /// <summary><c>AzureWebJobsStorage__tableServiceUri</c>; wins over the endpoint implied by <see cref="AccountName"/>.</summary>
    public string? TableServiceUri { get; set; }

    /// <summary>
    /// <c>AzureWebJobsStorage__credential</c>: <c>managedidentity</c> signs in with the app's managed identity only; unset,
    /// <c>DefaultAzureCredential</c> tries the environment, workload identity, managed identity and developer sign-ins.
    /// </summary>
    public string? Credential { get; set; }

    /// <summary><c>AzureWebJobsStorage__clientId</c>: the user-assigned managed identity (or, with a tenant and secret, the app registration).</summary>
    public string? ClientId { get; set; }

    /// <summary><c>AzureWebJobsStorage__managedIdentityResourceId</c>: the user-assigned identity by resource ID instead of client ID.</summary>
    public string? ManagedIdentityResourceId { get; set; }

    /// <summary><c>AzureWebJobsStorage__tenantId</c>: the Microsoft Entra tenant, for local sign-in.</summary>
    public string? TenantId { get; set; }

    /// <summary><c>AzureWebJobsStorage__clientSecret</c>: with tenant and client ID, a service principal for local runs. A secret: never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>True when any identity-based setting is present, endpoint or credential.</summary>
    public bool IsConfigured => SetNames().Any();

    /// <summary>True when the settings name an endpoint (an account name or a service URI).</summary>
    public bool HasEndpoint => !IsBlank(AccountName) || !IsBlank(BlobServiceUri) || !IsBlank(QueueServiceUri) || !IsBlank(TableServiceUri);

    public bool UsesManagedIdentity => string.Equals(Credential?.Trim(), ManagedIdentity, StringComparison.OrdinalIgnoreCase);

    /// <summary>The service's endpoint: its own URI setting, else the public-cloud endpoint of <see cref="AccountName"/>; null when neither is set.</summary>
    public Uri? ServiceUri(StorageService service)
    {
        var explicitUri = service switch
        {
            StorageService.Blob => BlobServiceUri,
            StorageService.Queue => QueueServiceUri,
            _ => TableServiceUri,
        };
        if (!IsBlank(explicitUri))
        {
            return Uri.TryCreate(explicitUri.Trim(), UriKind.Absolute, out var uri) ? uri : null;
        }

        return IsBlank(AccountName) ? null : new Uri($"https://{AccountName.Trim()}.{service.ToString().ToLowerInvariant()}.core.windows.net");
    }

    /// <summary>The environment-variable names of the settings that are present (names only: some values are secrets).</summary>
    public IEnumerable<string> SetNames()
    {
        (string Name, string? Value)[] all =
        [
            ("accountName", AccountName), ("blobServiceUri", BlobServiceUri), ("queueServiceUri", QueueServiceUri),
            ("tableServiceUri", TableServiceUri), ("credential", Credential), ("clientId", ClientId),
            ("managedIdentityResourceId", ManagedIdentityResourceId), ("tenantId", TenantId), ("clientSecret", ClientSecret),
        ];
        return all.Where(setting => !IsBlank(setting.Value)).Select(setting => SettingName(setting.Name));
    }

    /// <summary>How a setting is spelled in app settings and the environment, for messages.</summary>
    public static string SettingName(string key) => $"AzureWebJobsStorage__{key}";

    internal static bool IsBlank([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] string? value) => string.IsNullOrWhiteSpace(value);
}
