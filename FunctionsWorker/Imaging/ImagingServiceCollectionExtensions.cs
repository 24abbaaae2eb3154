using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Imaging;

/// <summary>Registers the image limits, the memory budget and the decoder every pipeline shares.</summary>
public static class ImagingServiceCollectionExtensions
{
    public static IServiceCollection AddImaging(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ImagingOptions>().BindConfiguration(ImagingOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImagingOptions>, ImagingOptionsValidator>());
        services.TryAddSingleton(provider => new MemoryBudget(provider.GetRequiredService<IOptions<ImagingOptions>>().Value.MemoryBudgetBytes));
        services.TryAddSingleton<ImageDecoder>();
        return services;
    }
}
