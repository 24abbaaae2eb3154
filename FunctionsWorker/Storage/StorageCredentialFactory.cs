using Azure.Core;
using Azure.Identity;

namespace FunctionsWorker.Storage;

/// <summary>
/// The token credential for identity-based <c>AzureWebJobsStorage</c> settings, chosen as the Functions host chooses it:
/// <c>credential=managedidentity</c> is the managed identity alone (user-assigned by client or resource ID, else
/// system-assigned); a tenant, client ID and client secret are a service principal; anything else is
/// <c>DefaultAzureCredential</c>, with the client ID as its managed identity.
/// </summary>
internal static class StorageCredentialFactory
{
    public static TokenCredential Create(StorageIdentityOptions options)
    {
        var clientId = Trimmed(options.ClientId);
        var resourceId = Trimmed(options.ManagedIdentityResourceId);
        var tenantId = Trimmed(options.TenantId);
        if (options.UsesManagedIdentity)
        {
            return resourceId is not null
                ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(resourceId)))
                : new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        if (tenantId is not null && clientId is not null && Trimmed(options.ClientSecret) is { } secret)
        {
            return new ClientSecretCredential(tenantId, clientId, secret);
        }

        var chain = new DefaultAzureCredentialOptions();
        if (tenantId is not null)
        {
            chain.TenantId = tenantId;
        }

        if (clientId is not null)
        {
            chain.ManagedIdentityClientId = clientId;
        }
        else if (resourceId is not null)
        {
            chain.ManagedIdentityResourceId = new ResourceIdentifier(resourceId);
        }

        return new DefaultAzureCredential(chain);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
