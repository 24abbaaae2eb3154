using Microsoft.Extensions.Options;

namespace FunctionsWorker.Imaging;

/// <summary>Range checks of <see cref="ImagingOptions"/>, generated at build time (no reflection at start-up).</summary>
[OptionsValidator]
internal sealed partial class ImagingOptionsValidator : IValidateOptions<ImagingOptions>;
