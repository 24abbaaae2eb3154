using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Imaging;

/// <summary>Registers the image limits and the decoder every pipeline shares.</summary>
public static class ImagingServiceCollectionExtensions
{
    public static IServiceCollection AddImaging(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ImagingOptions>().BindConfiguration(ImagingOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImagingOptions>, ImagingOptionsValidator>());
        services.TryAddSingleton<ImageDecoder>();
        return services;
    }
}
