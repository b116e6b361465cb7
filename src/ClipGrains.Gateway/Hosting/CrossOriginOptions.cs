using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Gateway.Hosting;

/// <summary>Browser access from other origins (CORS). Bound from <c>ClipGrains:Cors</c>; off unless origins are listed.</summary>
public sealed class CrossOriginOptions
{
    /// <summary>
    /// Origins whose pages may call the API (<c>https://app.example.com</c>; <c>*</c> for any). Empty (the default) sends
    /// no CORS headers, so browsers refuse cross-origin calls. Keys still authenticate every call: a listed origin's
    /// page needs a key like anyone else, and preflights (which carry none) are answered without one.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>What is wrong with these settings (<c>ClipGrains:Cors</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        foreach (var origin in AllowedOrigins)
        {
            checks.That(
                origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && !origin.EndsWith('/')),
                nameof(AllowedOrigins), $"must list origins such as https://app.example.com (scheme and host, no path) or *; got \"{origin}\"");
        }

        return checks;
    }
}
