using FunctionsWorker.Configuration;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Storage;

internal sealed class ResultLinkOptionsValidator : IValidateOptions<ResultLinkOptions>
{
    public ValidateOptionsResult Validate(string? name, ResultLinkOptions options)
    {
        var errors = new List<string>();
        if (options.ResultLinkLifetime is { } lifetime)
        {
            // A user delegation key, and so a link signed with one, lives at most 7 days.
            TimeSpanSetting.CheckRange(errors, "Storage:ResultLinkLifetime", lifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
