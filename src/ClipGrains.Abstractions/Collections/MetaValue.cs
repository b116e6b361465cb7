namespace ClipGrains.Abstractions.Collections;

/// <summary>The kinds of value an item's metadata (and a filter) may hold.</summary>
public enum MetaKind
{
    /// <summary>A string.</summary>
    Text = 0,

    /// <summary>A number (JSON numbers are doubles).</summary>
    Number = 1,

    /// <summary>true or false.</summary>
    Flag = 2,

    /// <summary>An array of strings (tags): <c>eq</c> and <c>in</c> match any element.</summary>
    TextArray = 3,

    /// <summary>An array of numbers: only a filter's <c>in</c>/<c>nin</c> value.</summary>
    NumberArray = 4,
}

/// <summary>One metadata value: exactly one of the fields is meaningful, as <see cref="Kind"/> says.</summary>
[GenerateSerializer, Immutable, Alias("clipgrains.meta-value")]
public sealed record MetaValue(
    [property: Id(0)] MetaKind Kind,
    [property: Id(1)] string? Text = null,
    [property: Id(2)] double Number = 0,
    [property: Id(3)] bool Flag = false,
    [property: Id(4)] string[]? Texts = null,
    [property: Id(5)] double[]? Numbers = null)
{
    /// <summary>A string value.</summary>
    public static MetaValue Of(string text) => new(MetaKind.Text, Text: text);

    /// <summary>A number value.</summary>
    public static MetaValue Of(double number) => new(MetaKind.Number, Number: number);

    /// <summary>A boolean value.</summary>
    public static MetaValue Of(bool flag) => new(MetaKind.Flag, Flag: flag);

    /// <summary>A string-array value.</summary>
    public static MetaValue Of(string[] texts) => new(MetaKind.TextArray, Texts: texts);

    /// <summary>Whether this scalar equals <paramref name="other"/>'s (an array matches when any element does).</summary>
    public bool Matches(MetaValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Kind switch
        {
            MetaKind.TextArray => other.Kind == MetaKind.Text && Texts!.Contains(other.Text, StringComparer.Ordinal),
            MetaKind.Text => other.Kind == MetaKind.Text && string.Equals(Text, other.Text, StringComparison.Ordinal),
            MetaKind.Number => other.Kind == MetaKind.Number && Number.Equals(other.Number),
            MetaKind.Flag => other.Kind == MetaKind.Flag && Flag == other.Flag,
            _ => false,
        };
    }

    /// <summary>Equality by value (arrays element by element), for tests and idempotent upserts.</summary>
    public bool Equals(MetaValue? other) =>
        other is not null && Kind == other.Kind && Text == other.Text && Number.Equals(other.Number) && Flag == other.Flag
        && (Texts ?? []).SequenceEqual(other.Texts ?? []) && (Numbers ?? []).SequenceEqual(other.Numbers ?? []);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Text, Number, Flag, Texts?.Length ?? -1);
}
