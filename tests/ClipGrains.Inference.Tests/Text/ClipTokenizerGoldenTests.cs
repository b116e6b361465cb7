using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;
using ClipGrains.Inference.Text;

namespace ClipGrains.Inference.Tests.Text;

public sealed class ClipTokenizerGoldenTests
{
    public static TheoryData<int> CaseIndexes() => new(Enumerable.Range(0, 15));

    [SkippableTheory]
    [MemberData(nameof(CaseIndexes))]
    public void TokenizerJson_matches_reference_ids_and_mask(int index) =>
        AssertCase(ClipModel.LoadTokenizer(ModelBundle.Open(GoldenData.TinyClip)), index);

    [SkippableTheory]
    [MemberData(nameof(CaseIndexes))]
    public void VocabAndMerges_match_reference_ids_and_mask(int index)
    {
        var dir = GoldenData.TinyClip;
        var tokenizer = ClipTokenizer.FromVocabAndMerges(Path.Combine(dir, "vocab.json"), Path.Combine(dir, "merges.txt"), 77);
        AssertCase(tokenizer, index);
    }

    [SkippableFact]
    public void Reference_has_the_fifteen_cases_these_tests_enumerate()
    {
        Assert.Equal(15, GoldenData.Json("tokenizer_cases.json").GetProperty("cases").GetArrayLength());
    }

    private static void AssertCase(ClipTokenizer tokenizer, int index)
    {
        var cases = GoldenData.Json("tokenizer_cases.json").GetProperty("cases");
        var item = cases[index];
        var expectedIds = item.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expectedMask = item.GetProperty("attention_mask").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        var actual = tokenizer.Encode(item.GetProperty("text").GetString()!);

        Assert.Equal(expectedIds, actual.InputIds);
        Assert.Equal(expectedMask, actual.AttentionMask());
    }
}
