using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Storage;

/// <summary>
/// Checks that storage is configured exactly one way (a connection string, or identity-based settings) and that the
/// queue name is legal. Messages name the setting and never echo a connection string, URI or secret.
/// </summary>
internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const string IdentityHint =
        "AzureWebJobsStorage__accountName, or AzureWebJobsStorage__blobServiceUri, __queueServiceUri and __tableServiceUri";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var errors = new List<string>();
        var identity = options.Identity;
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.AzureWebJobsStorage);
        if (hasConnectionString && identity.IsConfigured)
        {
            errors.Add($"AzureWebJobsStorage is set both as a connection string and as identity-based settings ({string.Join(", ", identity.SetNames())}): keep one of the two.");
        }
        else if (hasConnectionString)
        {
            ValidateConnectionString(options.AzureWebJobsStorage, errors);
        }
        else if (identity.IsConfigured)
        {
            ValidateIdentity(identity, errors);
        }
        else
        {
            errors.Add($"AzureWebJobsStorage is not set: give a storage connection string (UseDevelopmentStorage=true for Azurite), or the identity-based settings {IdentityHint}, in local.settings.json Values or the environment.");
        }

        if (!QueueNames.IsValid(options.JobsQueueName))
        {
            errors.Add($"JobsQueueName '{options.JobsQueueName}' is not a valid queue name (3-63 lowercase letters, digits and single hyphens).");
        }
        else if (options.PoisonQueueName is { } poison && !QueueNames.IsValid(poison))
        {
            errors.Add($"JobsQueueName '{options.JobsQueueName}' is too long for its poison queue '{poison}': at most 56 characters, unless the name itself ends in '-poison'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateConnectionString(string connectionString, List<string> errors)
    {
        try
        {
            _ = new QueueServiceClient(connectionString);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // The value itself is a secret: name the setting, never echo it.
            errors.Add("AzureWebJobsStorage is not a valid storage connection string.");
        }
    }

    private static void ValidateIdentity(StorageIdentityOptions identity, List<string> errors)
    {
        if (!identity.HasEndpoint)
        {
            errors.Add($"AzureWebJobsStorage identity settings ({string.Join(", ", identity.SetNames())}) name no storage account: add {IdentityHint}.");
            return;
        }

        var accountName = identity.AccountName?.Trim();
        if (accountName is { Length: > 0 } && !AccountNamePattern().IsMatch(accountName))
        {
            errors.Add($"{StorageIdentityOptions.SettingName("accountName")} '{accountName}' is not a storage account name (3-24 lowercase letters and digits).");
        }

        foreach (var (service, key, value) in new[]
                 {
                     (StorageService.Blob, "blobServiceUri", identity.BlobServiceUri),
                     (StorageService.Queue, "queueServiceUri", identity.QueueServiceUri),
                     (StorageService.Table, "tableServiceUri", identity.TableServiceUri),
                 })
        {
            var setting = StorageIdentityOptions.SettingName(key);
            if (StorageIdentityOptions.IsBlank(value))
            {
                if (accountName is not { Length: > 0 })
                {
                    errors.Add($"{setting} is not set: the worker uses blobs, queues and tables, so give all three service URIs, or {StorageIdentityOptions.SettingName("accountName")}.");
                }

                continue;
            }

            // The URI is not echoed: a pasted SAS URL would carry its signature in the query.
            if (identity.ServiceUri(service) is not { } uri)
            {
                errors.Add($"{setting} is not an absolute URI (https://<account>.{key[..^"ServiceUri".Length]}.core.windows.net).");
            }
            else if (uri.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add($"{setting} must use https: tokens are never sent over plain HTTP.");
            }
            else if (uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            {
                errors.Add($"{setting} must be the bare service endpoint, without a query (a SAS token) or user information.");
            }
        }

        var credential = identity.Credential?.Trim();
        if (credential is { Length: > 0 } && !identity.UsesManagedIdentity)
        {
            errors.Add($"{StorageIdentityOptions.SettingName("credential")} '{credential}' is not supported: use '{StorageIdentityOptions.ManagedIdentity}', or leave it unset for DefaultAzureCredential.");
        }

        if (!StorageIdentityOptions.IsBlank(identity.ClientId) && !StorageIdentityOptions.IsBlank(identity.ManagedIdentityResourceId))
        {
            errors.Add($"{StorageIdentityOptions.SettingName("clientId")} and {StorageIdentityOptions.SettingName("managedIdentityResourceId")} are both set: name the user-assigned identity one way.");
        }

        if (!StorageIdentityOptions.IsBlank(identity.ClientSecret))
        {
            if (identity.UsesManagedIdentity)
            {
                errors.Add($"{StorageIdentityOptions.SettingName("clientSecret")} is set with credential=managedidentity: a managed identity has no secret; remove one of the two.");
            }
            else if (StorageIdentityOptions.IsBlank(identity.TenantId) || StorageIdentityOptions.IsBlank(identity.ClientId))
            {
                errors.Add($"{StorageIdentityOptions.SettingName("clientSecret")} needs {StorageIdentityOptions.SettingName("tenantId")} and {StorageIdentityOptions.SettingName("clientId")} as well.");
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[a-z0-9]{3,24}\z")]
    private static partial System.Text.RegularExpressions.Regex AccountNamePattern();
}
