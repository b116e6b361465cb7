using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClipGrains.Abstractions.Configuration;

/// <summary>The one way options are bound: from their section, once, validated when the host starts.</summary>
public static class SettingsBinding
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/> and validates it with
    /// <paramref name="validate"/> at start (<c>ValidateOnStart</c>), so a bad value stops the process before it serves.
    /// </summary>
    public static IServiceCollection AddSettings<TOptions>(
        this IServiceCollection services, IConfiguration configuration, string section, Func<TOptions, SettingChecks, SettingChecks> validate)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new Validator<TOptions>(section, validate));
        return services;
    }

    private sealed class Validator<TOptions>(string section, Func<TOptions, SettingChecks, SettingChecks> validate) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) => validate(options, new SettingChecks(section)).Result();
    }
}
