using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines;

/// <summary>Fails startup when a registered pipeline names a model the catalog does not configure.</summary>
internal sealed class RequiredModelsCheck(IEnumerable<IPipeline> pipelines, IOptions<ModelCatalogOptions> catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.Value.ValidateRequiredModels(pipelines.SelectMany(pipeline => pipeline.RequiredModels));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
