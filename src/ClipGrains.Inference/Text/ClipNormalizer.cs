using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace ClipGrains.Inference.Text;

/// <summary>
/// The normalizer of CLIP's <c>tokenizer.json</c>: NFC, every whitespace run replaced by one space, lowercase.
/// Lowercasing follows Rust's <c>str::to_lowercase</c> (full Unicode mapping), which differs from .NET's
/// invariant simple mapping in exactly two places that matter here: U+0130 becomes "i̇" (two chars) and a
/// capital sigma at the end of a word becomes final sigma.
/// </summary>
internal sealed partial class ClipNormalizer : Normalizer
{
    public override string Normalize(string original) => Normalize(original.AsSpan());

    public override string Normalize(ReadOnlySpan<char> original)
    {
        var nfc = original.ToString().Normalize(NormalizationForm.FormC);
        var collapsed = Whitespace().Replace(nfc, " ");
        return ToLowerLikeRust(collapsed);
    }

    internal static string ToLowerLikeRust(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\u0130')
            {
                builder.Append("i\u0307");
            }
            else if (c == '\u03A3')
            {
                builder.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length)
            {
                builder.Append(char.ConvertFromUtf32(ToLowerRune(char.ConvertToUtf32(c, text[i + 1]))));
                i++;
            }
            else
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static int ToLowerRune(int codePoint) => Rune.ToLowerInvariant(new Rune(codePoint)).Value;

    // Unicode's Final_Sigma condition: preceded by a cased letter and not followed by one
    // (case-ignorable characters in between are skipped). Letters stand in for "cased" here.
    private static bool IsFinalSigma(string text, int index)
    {
        var before = index - 1;
        while (before >= 0 && IsCaseIgnorable(text[before]))
        {
            before--;
        }

        if (before < 0 || !char.IsLetter(text[before]))
        {
            return false;
        }

        var after = index + 1;
        while (after < text.Length && IsCaseIgnorable(text[after]))
        {
            after++;
        }

        return after >= text.Length || !char.IsLetter(text[after]);
    }

    private static bool IsCaseIgnorable(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || c is '\'' or '.' or ':' or '\u00B7' or '\u2019';

    // Rust's regex \s is Unicode White_Space, as is .NET's \s.
    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
