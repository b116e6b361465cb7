using System.Globalization;
using Microsoft.Extensions.Options;

namespace ClipGrains.Abstractions.Configuration;

/// <summary>
/// What is wrong with one options section, each failure naming its full key (<c>ClipGrains:Gateway:MaxTextsPerRequest</c>)
/// and what it must be, so a process that cannot run says so in one line at start instead of failing later.
/// </summary>
/// <param name="section">The section the options are bound from, such as <c>ClipGrains:Gateway</c>.</param>
public sealed class SettingChecks(string section)
{
    private readonly List<string> _failures = [];

    /// <summary>Requires <paramref name="value"/> &gt; 0.</summary>
    public SettingChecks Positive(string key, long value) => That(value > 0, key, $"must be a positive number (got {Show(value)})");

    /// <summary>Requires <paramref name="value"/> ≥ 0.</summary>
    public SettingChecks NotNegative(string key, long value) => That(value >= 0, key, $"must not be negative (got {Show(value)})");

    /// <summary>Requires a duration &gt; 0.</summary>
    public SettingChecks Positive(string key, TimeSpan value) => That(value > TimeSpan.Zero, key, $"must be a positive duration such as 00:00:10 (got {value})");

    /// <summary>Requires a duration ≥ 0.</summary>
    public SettingChecks NotNegative(string key, TimeSpan value) => That(value >= TimeSpan.Zero, key, $"must not be negative (got {value})");

    /// <summary>Requires <paramref name="min"/> ≤ <paramref name="value"/> ≤ <paramref name="max"/>.</summary>
    public SettingChecks Between(string key, long value, long min, long max) =>
        That(value >= min && value <= max, key, $"must be between {Show(min)} and {Show(max)} (got {Show(value)})");

    /// <summary>Records <paramref name="problem"/> for <paramref name="key"/> unless <paramref name="ok"/>.</summary>
    public SettingChecks That(bool ok, string key, string problem)
    {
        if (!ok)
        {
            _failures.Add($"{section}:{key} {problem}.");
        }

        return this;
    }

    /// <summary>The outcome for <see cref="IValidateOptions{TOptions}"/>.</summary>
    public ValidateOptionsResult Result() => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    private static string Show(long value) => value.ToString(CultureInfo.InvariantCulture);
}
