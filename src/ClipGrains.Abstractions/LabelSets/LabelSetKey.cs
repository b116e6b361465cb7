using System.Text.RegularExpressions;

namespace ClipGrains.Abstractions.LabelSets;

/// <summary>Builds and parses label-set grain keys (<c>{tenant}/{name}</c>) and validates names.</summary>
public static partial class LabelSetKey
{
    /// <summary>The key of <paramref name="name"/> in <paramref name="tenant"/>'s namespace.</summary>
    public static string Of(string tenant, string name) => $"{tenant}/{name}";

    /// <summary>Splits a key into tenant and name.</summary>
    public static (string Tenant, string Name) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (string.Empty, key) : (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>Names are 1–64 characters of letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
