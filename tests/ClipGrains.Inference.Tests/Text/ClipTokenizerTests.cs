using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;
using ClipGrains.Inference.Text;

namespace ClipGrains.Inference.Tests.Text;

public sealed class ClipTokenizerTests(SyntheticClipFixture fixture) : IClassFixture<SyntheticClipFixture>
{
    private ClipTokenizer Tokenizer => fixture.Model.Tokenizer;

    private int Id(string token) => Tokenizer.Encode(token).InputIds[1];

    [Fact]
    public void Wraps_in_start_and_end_and_pads_with_end_to_77()
    {
        var tokens = Tokenizer.Encode("a photo of a cat");

        Assert.Equal(77, tokens.InputIds.Length);
        Assert.Equal(7, tokens.Length);
        Assert.Equal(Tokenizer.StartId, tokens.InputIds[0]);
        Assert.Equal([Id("a"), Id("photo"), Id("of"), Id("a"), Id("cat")], tokens.InputIds[1..6]);
        Assert.All(tokens.InputIds[6..], id => Assert.Equal(Tokenizer.EndId, id));
        Assert.Equal(Enumerable.Repeat(1, 7).Concat(Enumerable.Repeat(0, 70)), tokens.AttentionMask());
    }

    [Fact]
    public void Empty_text_is_start_and_end_only()
    {
        var tokens = Tokenizer.Encode(string.Empty);

        Assert.Equal(2, tokens.Length);
        Assert.Equal([Tokenizer.StartId, Tokenizer.EndId], tokens.InputIds[..2]);
    }

    [Fact]
    public void Long_text_is_truncated_to_77_keeping_the_end_token()
    {
        var tokens = Tokenizer.Encode(string.Join(' ', Enumerable.Repeat("cat", 200)));

        Assert.Equal(77, tokens.Length);
        Assert.Equal(Tokenizer.EndId, tokens.InputIds[76]);
        Assert.All(tokens.InputIds[1..76], id => Assert.Equal(Id("cat"), id));
    }

    [Fact]
    public void Case_and_whitespace_are_normalised()
    {
        Assert.Equal(Tokenizer.Encode("a photo of a cat").InputIds, Tokenizer.Encode("  A\tPHOTO \n of   a Cat ").InputIds);
    }

    [Fact]
    public void Special_token_text_becomes_the_special_token_but_only_verbatim()
    {
        var verbatim = Tokenizer.Encode("cat<|endoftext|>dog");
        var uppercase = Tokenizer.Encode("cat<|ENDOFTEXT|>dog");

        Assert.Equal([Tokenizer.StartId, Id("cat"), Tokenizer.EndId, Id("dog"), Tokenizer.EndId], verbatim.InputIds[..5]);
        Assert.True(uppercase.Length > 5);
        Assert.DoesNotContain(Tokenizer.EndId, uppercase.InputIds[1..(uppercase.Length - 1)]);
    }

    [Fact]
    public void Two_file_form_gives_the_same_ids_as_tokenizer_json()
    {
        var files = fixture.Files;
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(files.File("tokenizer.json")));
        var model = document.RootElement.GetProperty("model");
        File.WriteAllText(files.File("vocab.json"), model.GetProperty("vocab").GetRawText());
        File.WriteAllLines(files.File("merges.txt"),
            ["#version: 0.2", .. model.GetProperty("merges").EnumerateArray().Select(m => $"{m[0].GetString()} {m[1].GetString()}")]);

        var twoFile = ClipTokenizer.FromVocabAndMerges(files.File("vocab.json"), files.File("merges.txt"), 77);

        foreach (var text in new[] { "this is a photo of the bird", "Ünïcode ✓ 123", "" })
        {
            Assert.Equal(Tokenizer.Encode(text).InputIds, twoFile.Encode(text).InputIds);
        }
    }

    [Fact]
    public void Vocabulary_without_special_tokens_is_refused()
    {
        var path = Path.Combine(fixture.Files.Directory, "bad-tokenizer.json");
        File.WriteAllText(path, """{"model":{"vocab":{"a":0},"merges":[]}}""");

        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromTokenizerJson(path, 77));

        Assert.Equal(path + ": the vocabulary has no <|startoftext|> or <|endoftext|>: not a CLIP tokenizer.", error.Message);
    }

    [Theory]
    [InlineData("İstanbul", "i\u0307stanbul")]
    [InlineData("ΟΔΟΣ", "οδος")]
    [InlineData("ΣΑ", "σα")]
    [InlineData("ÅNGSTRÖM", "ångström")]
    [InlineData("😀A", "😀a")]
    public void Lowercase_follows_full_unicode_mapping(string input, string expected)
    {
        Assert.Equal(expected, ClipNormalizer.ToLowerLikeRust(input));
    }

    [Fact]
    public void Normalizer_composes_to_nfc_and_collapses_whitespace()
    {
        Assert.Equal(" cafe\u0301 x ".Normalize(System.Text.NormalizationForm.FormC), new ClipNormalizer().Normalize(" CAFE\u0301\t\n X  "));
    }
}
