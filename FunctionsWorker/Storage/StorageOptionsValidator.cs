using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Storage;

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AzureWebJobsStorage))
        {
            errors.Add("AzureWebJobsStorage is not set: give a storage connection string (UseDevelopmentStorage=true for Azurite) in local.settings.json Values or the environment.");
        }
        else
        {
            try
            {
                _ = new QueueServiceClient(options.AzureWebJobsStorage);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                // The value itself is a secret: name the setting, never echo it.
                errors.Add("AzureWebJobsStorage is not a valid storage connection string.");
            }
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
}
