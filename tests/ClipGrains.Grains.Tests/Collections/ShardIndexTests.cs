using System.Numerics.Tensors;
using ClipGrains.Abstractions.Collections;
using ClipGrains.Grains.Collections;

namespace ClipGrains.Grains.Tests.Collections;

public sealed class ShardIndexTests
{
    private static readonly IReadOnlyDictionary<string, MetaValue> None = MetadataJson.None;

    private static (ShardIndex Index, float[][] Vectors) Seeded(int count, int seed = 7)
    {
        var vectors = SeededVectors.Mixture(count, 32, 20, seed);
        var index = new ShardIndex(32);
        for (var i = 0; i < count; i++)
        {
            index.Upsert(SeededVectors.Id(i), vectors[i], new Dictionary<string, MetaValue> { ["group"] = MetaValue.Of($"g{i % 7}"), ["n"] = MetaValue.Of(i) }, 100);
        }

        return (index, vectors);
    }

    [Fact]
    public void Exact_search_returns_the_brute_force_top_k_in_order_with_cosine_scores()
    {
        var (index, vectors) = Seeded(500);
        var query = vectors[42];
        var hits = index.SearchExact(new ShardQuery(query, 10, null, null, true));
        Assert.Equal(SeededVectors.Exact(vectors, query, 10).Select(SeededVectors.Id), hits.Select(h => h.Id));
        Assert.Equal(TensorPrimitives.Dot(query, vectors[int.Parse(hits[3].Id[1..], System.Globalization.CultureInfo.InvariantCulture)]), hits[3].Score);
        Assert.Equal(SeededVectors.Id(42), hits[0].Id);
    }

    [Fact]
    public void A_selective_filter_still_returns_min_k_matches_and_only_matches()
    {
        var (index, vectors) = Seeded(500);
        var filter = new ItemFilter("and", Filters: [new ItemFilter("eq", "group", MetaValue.Of("g3")), new ItemFilter("lt", "n", MetaValue.Of(100))]);
        var hits = index.SearchExact(new ShardQuery(vectors[0], 50, filter, null, true));

        // 100 numbers below 100, one in seven of them in g3: exactly the 14 matches, best first.
        var expected = SeededVectors.Exact(vectors, vectors[0], 50, i => i % 7 == 3 && i < 100);
        Assert.Equal(14, expected.Count);
        Assert.Equal(expected.Select(SeededVectors.Id), hits.Select(h => h.Id));
    }

    [Fact]
    public void Threshold_and_exclusion_drop_hits_and_ties_are_broken_by_id()
    {
        var index = new ShardIndex(2);
        index.Upsert("b", [1, 0], None, 1);
        index.Upsert("a", [1, 0], None, 1);
        index.Upsert("c", [0, 1], None, 1);
        Assert.Equal(["a", "b"], index.SearchExact(new ShardQuery([1, 0], 2, null, null, true)).Select(h => h.Id));
        Assert.Equal(["a", "b"], index.SearchExact(new ShardQuery([1, 0], 3, null, 0.5f, true)).Select(h => h.Id));
        Assert.Equal(["b"], index.SearchExact(new ShardQuery([1, 0], 3, null, 0.5f, true, Exclude: "a")).Select(h => h.Id));
    }

    [Fact]
    public void A_removed_item_is_never_returned_and_its_slot_is_reused()
    {
        var index = new ShardIndex(2);
        index.Upsert("a", [1, 0], None, 1);
        index.Upsert("b", [0.9f, 0.1f], None, 1);
        Assert.Equal(0, index.Remove("a"));
        Assert.Equal(-1, index.Remove("a"));
        Assert.Equal(["b"], index.SearchExact(new ShardQuery([1, 0], 5, null, null, true)).Select(h => h.Id));
        Assert.Equal((0, false), index.Upsert("c", [0, 1], None, 1));
        Assert.Equal((1, true), index.Upsert("b", [0, 1], None, 1));
        Assert.Equal(2, index.Count);
    }

    [Theory]
    [InlineData("eq", "red", new[] { "x" })]
    [InlineData("ne", "red", new[] { "y", "z" })]
    [InlineData("in", null, new[] { "x", "y" })]
    [InlineData("nin", null, new[] { "z" })]
    [InlineData("gt", 2.0, new[] { "z" })]
    [InlineData("gte", 2.0, new[] { "y", "z" })]
    [InlineData("lt", 2.0, new[] { "x" })]
    [InlineData("lte", 2.0, new[] { "x", "y" })]
    public void Every_comparison_matches_as_documented(string type, object? value, string[] expected)
    {
        var items = new Dictionary<string, Dictionary<string, MetaValue>>
        {
            ["x"] = new() { ["colour"] = MetaValue.Of("red"), ["size"] = MetaValue.Of(1), ["tags"] = MetaValue.Of(["a", "b"]) },
            ["y"] = new() { ["colour"] = MetaValue.Of("blue"), ["size"] = MetaValue.Of(2), ["tags"] = MetaValue.Of(["b"]) },
            ["z"] = new() { ["size"] = MetaValue.Of(3) },
        };
        var (key, operand) = type switch
        {
            "in" or "nin" => ("colour", new MetaValue(MetaKind.TextArray, Texts: ["red", "blue"])),
            "eq" or "ne" => ("colour", MetaValue.Of((string)value!)),
            _ => ("size", MetaValue.Of((double)value!)),
        };
        var filter = new ItemFilter(type, key, operand);
        Assert.Equal(expected, items.Where(p => filter.Matches(p.Value)).Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Array_metadata_matches_any_element_and_or_combines()
    {
        var tags = new Dictionary<string, MetaValue> { ["tags"] = MetaValue.Of(["farm", "brown"]), ["n"] = MetaValue.Of(5) };
        Assert.True(new ItemFilter("eq", "tags", MetaValue.Of("brown")).Matches(tags));
        Assert.False(new ItemFilter("eq", "tags", MetaValue.Of("red")).Matches(tags));
        Assert.True(new ItemFilter("in", "tags", new MetaValue(MetaKind.TextArray, Texts: ["red", "farm"])).Matches(tags));
        Assert.True(new ItemFilter("in", "n", new MetaValue(MetaKind.NumberArray, Numbers: [4, 5])).Matches(tags));
        Assert.True(new ItemFilter("or", Filters: [new ItemFilter("eq", "tags", MetaValue.Of("red")), new ItemFilter("gte", "n", MetaValue.Of(5))]).Matches(tags));
        Assert.False(new ItemFilter("and", Filters: [new ItemFilter("eq", "tags", MetaValue.Of("red")), new ItemFilter("gte", "n", MetaValue.Of(5))]).Matches(tags));
        Assert.False(new ItemFilter("gt", "missing", MetaValue.Of(0)).Matches(tags));
        Assert.True(new ItemFilter("ne", "missing", MetaValue.Of("x")).Matches(tags));
    }

    [Fact]
    public void Metadata_round_trips_through_its_stored_json_in_key_order()
    {
        var metadata = new Dictionary<string, MetaValue> { ["z"] = MetaValue.Of(1.5), ["a"] = MetaValue.Of(["x", "y"]), ["m"] = MetaValue.Of(true), ["s"] = MetaValue.Of("é\"") };
        var json = MetadataJson.Write(metadata);
        Assert.Equal("""{"a":["x","y"],"m":true,"s":"\u00E9\u0022","z":1.5}""", System.Text.Encoding.UTF8.GetString(json));
        Assert.Equal(metadata.OrderBy(p => p.Key), MetadataJson.Read(json).OrderBy(p => p.Key));
    }
}
