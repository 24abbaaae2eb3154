using Microsoft.Extensions.Options;

namespace FunctionsWorker.Storage;

internal sealed class ContainerAccessOptionsValidator : IValidateOptions<ContainerAccessOptions>
{
    public ValidateOptionsResult Validate(string? name, ContainerAccessOptions options)
    {
        var errors = new List<string>();
        Check(errors, "Storage:AllowedInputContainers", options.AllowedInputContainers);
        Check(errors, "Storage:AllowedOutputContainers", options.AllowedOutputContainers);
        foreach (var bad in options.ReplyQueues.Where(n => !QueueNames.IsValid(n)))
        {
            // Empty is allowed: a worker that sends no replies.
            errors.Add($"Storage:AllowedReplyQueues: '{bad}' is not a valid queue name (3-63 lowercase letters, digits and single hyphens).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string setting, string value)
    {
        var names = ContainerAccessOptions.Split(value);
        if (names.Count == 0)
        {
            errors.Add($"{setting} must name at least one blob container (comma-separated).");
        }

        foreach (var bad in names.Where(n => !QueueNames.IsValid(n)))
        {
            errors.Add($"{setting}: '{bad}' is not a valid container name (3-63 lowercase letters, digits and single hyphens).");
        }
    }
}
