namespace ClipGrains.Inference.Text;

/// <summary>
/// One prompt as the text tower sees it: <see cref="InputIds"/> padded to the model's context length,
/// <see cref="Length"/> real tokens (start and end tokens included), the rest padding.
/// </summary>
/// <param name="InputIds">Token ids, padded with the pad id to the context length (77 for CLIP).</param>
/// <param name="Length">Number of real tokens; the attention mask is 1 for these and 0 after.</param>
public sealed record TokenizedText(int[] InputIds, int Length)
{
    /// <summary>The attention mask: 1 for the first <see cref="Length"/> positions, 0 after.</summary>
    public int[] AttentionMask()
    {
        var mask = new int[InputIds.Length];
        Array.Fill(mask, 1, 0, Length);
        return mask;
    }
}
