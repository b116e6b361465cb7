using System.Text.Json;
using System.Text.RegularExpressions;
using ClipGrains.Inference.Model;
using Microsoft.ML.Tokenizers;

namespace ClipGrains.Inference.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer with the semantics of its Hugging Face <c>tokenizer.json</c>:
/// special-token text is split off the raw input first (as the fast tokenizer's added vocabulary does),
/// each remaining segment is normalized (<see cref="ClipNormalizer"/>), split by the CLIP regex and
/// BPE-encoded with <c>&lt;/w&gt;</c> word ends; the result is wrapped in start/end tokens, truncated to the
/// context length keeping the end token, and padded with the pad id. Thread-safe.
/// </summary>
public sealed class ClipTokenizer
{
    /// <summary>CLIP's pre-tokenizer pattern, used when <c>tokenizer.json</c> has none we can read.</summary>
    internal const string DefaultPattern =
        @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+";

    private const string StartToken = "<|startoftext|>";
    private const string EndToken = "<|endoftext|>";

    private readonly BpeTokenizer _bpe;

    private ClipTokenizer(BpeTokenizer bpe, int startId, int endId, int padId, int contextLength)
    {
        _bpe = bpe;
        StartId = startId;
        EndId = endId;
        PadId = padId;
        ContextLength = contextLength;
    }

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c> (49406 for CLIP).</summary>
    public int StartId { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (49407 for CLIP).</summary>
    public int EndId { get; }

    /// <summary>Id used for padding (the end token in CLIP's Hugging Face tokenizer).</summary>
    public int PadId { get; }

    /// <summary>Maximum sequence length including start and end tokens (77 for CLIP).</summary>
    public int ContextLength { get; }

    /// <summary>Loads <c>tokenizer.json</c>.</summary>
    public static ClipTokenizer FromTokenizerJson(string path, int contextLength)
    {
        using var document = ParseJson(path);
        var root = document.RootElement;
        if (!root.TryGetProperty("model", out var model)
            || !model.TryGetProperty("vocab", out var vocabElement) || vocabElement.ValueKind != JsonValueKind.Object
            || !model.TryGetProperty("merges", out var mergesElement) || mergesElement.ValueKind != JsonValueKind.Array)
        {
            throw new ModelLoadException(path, "expected a BPE tokenizer with \"model.vocab\" (object) and \"model.merges\" (array).");
        }

        var vocab = vocabElement.EnumerateObject().Select(p => new KeyValuePair<string, int>(p.Name, p.Value.GetInt32())).ToList();
        var merges = mergesElement.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.Array
            ? $"{m[0].GetString()} {m[1].GetString()}"
            : m.GetString() ?? string.Empty).ToList();
        var pattern = FindSplitPattern(root) ?? DefaultPattern;
        return Create(path, vocab, merges, pattern, contextLength);
    }

    /// <summary>Loads the older two-file form: <c>vocab.json</c> and <c>merges.txt</c>.</summary>
    public static ClipTokenizer FromVocabAndMerges(string vocabPath, string mergesPath, int contextLength)
    {
        using var document = ParseJson(vocabPath);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(vocabPath, "expected a JSON object mapping tokens to ids.");
        }

        var vocab = document.RootElement.EnumerateObject()
            .Select(p => new KeyValuePair<string, int>(p.Name, p.Value.GetInt32())).ToList();
        var merges = File.ReadLines(mergesPath)
            .Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
            .ToList();
        return Create(vocabPath, vocab, merges, DefaultPattern, contextLength);
    }

    /// <summary>Tokenizes one prompt, padded to <see cref="ContextLength"/>.</summary>
    public TokenizedText Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(ContextLength) { StartId };
        var rest = text.AsSpan();
        while (rest.Length > 0 && ids.Count < ContextLength)
        {
            var (index, length, id) = FindSpecial(rest);
            if (index > 0)
            {
                ids.AddRange(_bpe.EncodeToIds(rest[..index].ToString()));
            }

            if (length == 0)
            {
                break;
            }

            ids.Add(id);
            rest = rest[(index + length)..];
        }

        var content = Math.Min(ids.Count, ContextLength - 1);
        var padded = new int[ContextLength];
        ids.CopyTo(0, padded, 0, content);
        padded[content] = EndId;
        Array.Fill(padded, PadId, content + 1, ContextLength - content - 1);
        return new TokenizedText(padded, content + 1);
    }

    private (int Index, int Length, int Id) FindSpecial(ReadOnlySpan<char> text)
    {
        var start = text.IndexOf(StartToken, StringComparison.Ordinal);
        var end = text.IndexOf(EndToken, StringComparison.Ordinal);
        if (start < 0 && end < 0)
        {
            return (text.Length, 0, 0);
        }

        return end < 0 || (start >= 0 && start < end)
            ? (start, StartToken.Length, StartId)
            : (end, EndToken.Length, EndId);
    }

    private static ClipTokenizer Create(string file, List<KeyValuePair<string, int>> vocab, List<string> merges, string pattern, int contextLength)
    {
        var lookup = vocab.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (!lookup.TryGetValue(StartToken, out var startId) || !lookup.TryGetValue(EndToken, out var endId))
        {
            throw new ModelLoadException(file, $"the vocabulary has no {StartToken} or {EndToken}: not a CLIP tokenizer.");
        }

        if (contextLength < 2)
        {
            throw new ModelLoadException(file, $"context length must be at least 2, got {contextLength}.");
        }

        // Special tokens are split off before this tokenizer sees the text, so neither the pre-tokenizer nor
        // the BPE model gets a special-token table: user text can never smuggle one in through normalization.
        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            EndOfWordSuffix = "</w>",
            UnknownToken = EndToken,
            Normalizer = new ClipNormalizer(),
            PreTokenizer = new RegexPreTokenizer(
                new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled), specialTokens: null),
        };
        try
        {
            return new ClipTokenizer(BpeTokenizer.Create(options), startId, endId, padId: endId, contextLength);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException(file, $"the BPE vocabulary and merges are inconsistent ({e.Message}).", e);
        }
    }

    private static string? FindSplitPattern(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var candidates = pre.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [pre];
        foreach (var candidate in candidates)
        {
            if (candidate.TryGetProperty("type", out var type) && type.GetString() == "Split"
                && candidate.TryGetProperty("pattern", out var p) && p.TryGetProperty("Regex", out var regex))
            {
                return regex.GetString();
            }
        }

        return null;
    }

    private static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"is not valid JSON ({e.Message}).", e);
        }
    }
}
