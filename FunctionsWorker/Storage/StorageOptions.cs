using Microsoft.Extensions.Configuration;

namespace FunctionsWorker.Storage;

/// <summary>App settings that locate the storage account and the jobs queue.</summary>
public sealed class StorageOptions
{
    /// <summary>Connection string (<c>AzureWebJobsStorage</c>); <c>UseDevelopmentStorage=true</c> means Azurite on its default ports. A secret: never logged.</summary>
    public string AzureWebJobsStorage { get; set; } = string.Empty;

    /// <summary>
    /// The identity-based settings under the same name (<c>AzureWebJobsStorage__accountName</c>, ...), as Functions reads
    /// them: <c>AzureWebJobsStorage</c> is then a section rather than a value.
    /// </summary>
    [ConfigurationKeyName("AzureWebJobsStorage")]
    public StorageIdentityOptions Identity { get; set; } = new();

    /// <summary>Queue the job trigger listens on (<c>%JobsQueueName%</c>).</summary>
    public string JobsQueueName { get; set; } = "jobs";

    /// <summary>Table holding one record per job.</summary>
    public string JobsTableName { get; set; } = "jobs";

    /// <summary><c>&lt;queue&gt;-poison</c>, or null for a queue that is itself a poison queue (as in Functions: no poison of poison).</summary>
    public string? PoisonQueueName => JobsQueueName.EndsWith("-poison", StringComparison.Ordinal) ? null : JobsQueueName + "-poison";

    /// <summary>True when storage is reached with a Microsoft Entra identity rather than a connection string.</summary>
    public bool UsesIdentity => string.IsNullOrWhiteSpace(AzureWebJobsStorage) && Identity.IsConfigured;
}
