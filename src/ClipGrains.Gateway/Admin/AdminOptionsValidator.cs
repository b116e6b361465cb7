using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Admin;

/// <summary>Refuses a weak configured operator key at start, with one line naming the setting.</summary>
internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options) =>
        options.Weakness() is { } weakness ? ValidateOptionsResult.Fail(weakness) : ValidateOptionsResult.Success;
}
