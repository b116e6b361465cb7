namespace ClipGrains.Abstractions.Collections;

/// <summary>
/// A metadata filter in OpenAI's vector-store shape: a comparison (<c>eq ne gt gte lt lte in nin</c>) of one key with a
/// value, or <c>and</c>/<c>or</c> of <see cref="Filters"/>. Built only by the gateway's parser, which checks the shape.
/// </summary>
/// <param name="Type">The operator.</param>
/// <param name="Key">The metadata key compared (comparisons only).</param>
/// <param name="Value">The value compared with (comparisons only; an array for <c>in</c>/<c>nin</c>).</param>
/// <param name="Filters">The operands of <c>and</c>/<c>or</c>.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.item-filter")]
public sealed record ItemFilter(
    [property: Id(0)] string Type,
    [property: Id(1)] string? Key = null,
    [property: Id(2)] MetaValue? Value = null,
    [property: Id(3)] IReadOnlyList<ItemFilter>? Filters = null)
{
    /// <summary>The comparison operators.</summary>
    public static IReadOnlyList<string> Comparisons { get; } = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"];

    /// <summary>
    /// Whether an item with <paramref name="metadata"/> passes. A missing key fails every comparison except <c>ne</c> and
    /// <c>nin</c> (it is not equal to anything); an ordering compares numbers only.
    /// </summary>
    public bool Matches(IReadOnlyDictionary<string, MetaValue> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        switch (Type)
        {
            case "and":
                return Filters!.All(f => f.Matches(metadata));
            case "or":
                return Filters!.Any(f => f.Matches(metadata));
        }

        var found = metadata.TryGetValue(Key!, out var actual);
        return Type switch
        {
            "eq" => found && actual!.Matches(Value!),
            "ne" => !found || !actual!.Matches(Value!),
            "in" => found && AnyOf(actual!),
            "nin" => !found || !AnyOf(actual!),
            "gt" => found && actual!.Kind == MetaKind.Number && actual.Number > Value!.Number,
            "gte" => found && actual!.Kind == MetaKind.Number && actual.Number >= Value!.Number,
            "lt" => found && actual!.Kind == MetaKind.Number && actual.Number < Value!.Number,
            "lte" => found && actual!.Kind == MetaKind.Number && actual.Number <= Value!.Number,
            _ => false,
        };
    }

    private bool AnyOf(MetaValue actual) => Value!.Kind switch
    {
        MetaKind.TextArray => Value.Texts!.Any(t => actual.Matches(MetaValue.Of(t))),
        MetaKind.NumberArray => Value.Numbers!.Any(n => actual.Matches(MetaValue.Of(n))),
        _ => false,
    };
}
