using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Fuzz.Tests;

/// <summary>Replays the committed fuzzing corpus (and the hostile corpus) through the target: every input must decode or be refused, nothing else.</summary>
public sealed class DecodePreprocessTargetTests
{
    private static string[] Files() =>
        [.. Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "fuzz", "corpus")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    public static TheoryData<string> CorpusFiles() => new(Files());

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Committed_corpus_inputs_decode_or_are_refused(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepositoryRoot.Find(), "fuzz", "corpus", file));

        var decoded = DecodePreprocessTarget.Run(bytes);

        Assert.Equal(file.StartsWith("valid-", StringComparison.Ordinal), decoded);
    }

    [Fact]
    public void The_corpus_is_not_empty()
    {
        Assert.True(Files().Length >= 10);
    }

    [Fact]
    public void Hostile_corpus_inputs_decode_or_are_refused()
    {
        foreach (var (name, bytes, status, _) in HostileImages.Corpus().Where(c => c.Bytes.Length < 5_000_000))
        {
            Assert.True(status == 200 == DecodePreprocessTarget.Run(bytes), name);
        }
    }

    [Fact]
    public void Mutations_of_valid_images_never_escape_as_other_exceptions()
    {
        // A deterministic miniature of what the fuzzer does: flip bytes, truncate, splice.
        var random = new Random(4242);
        var seeds = Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "fuzz", "corpus"), "valid-*").Select(File.ReadAllBytes).ToList();
        for (var i = 0; i < 300; i++)
        {
            var input = seeds[random.Next(seeds.Count)].ToArray();
            switch (random.Next(3))
            {
                case 0:
                    for (var flips = random.Next(1, 8); flips > 0; flips--)
                    {
                        input[random.Next(input.Length)] ^= (byte)random.Next(1, 256);
                    }

                    break;
                case 1:
                    input = input[..random.Next(1, input.Length)];
                    break;
                default:
                    var other = seeds[random.Next(seeds.Count)];
                    input = [.. input[..random.Next(input.Length)], .. other[random.Next(other.Length)..]];
                    break;
            }

            DecodePreprocessTarget.Run(input);
        }
    }
}
