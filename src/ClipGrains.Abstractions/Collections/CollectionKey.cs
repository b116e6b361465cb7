using System.Text.RegularExpressions;

namespace ClipGrains.Abstractions.Collections;

/// <summary>Grain keys of collections (<c>{tenant}/{name}</c>) and of their shards (<c>{uid}/{shard}</c>), and name rules.</summary>
public static partial class CollectionKey
{
    /// <summary>Most characters of an item id.</summary>
    public const int MaxItemIdLength = 128;

    /// <summary>The key of collection <paramref name="name"/> in <paramref name="tenant"/>'s namespace.</summary>
    public static string Of(string tenant, string name) => $"{tenant}/{name}";

    /// <summary>
    /// The key of shard <paramref name="shard"/> of the collection whose incarnation is <paramref name="uid"/>: a collection
    /// deleted and created again under the same name gets a new uid, so its shards start empty.
    /// </summary>
    public static string Shard(string uid, int shard) => $"{uid}/{shard}";

    /// <summary>Splits a shard key into uid and shard number.</summary>
    public static (string Uid, int Shard) ParseShard(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.LastIndexOf('/');
        return (key[..slash], int.Parse(key.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The shard that owns <paramref name="itemId"/> among <paramref name="shards"/>: FNV-1a of its UTF-16 code units, so
    /// it never changes between processes or versions (string.GetHashCode is randomised per process).
    /// </summary>
    public static int ShardOf(string itemId, int shards)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        var hash = 2166136261u;
        foreach (var c in itemId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shards);
    }

    /// <summary>Names are 1–64 characters of letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Item ids are 1–128 printable ASCII characters (no spaces), so they fit URLs and CSV alike.</summary>
    public static bool IsValidItemId(string? id) => id is { Length: > 0 and <= MaxItemIdLength } && id.All(c => c is > ' ' and <= '~');

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
