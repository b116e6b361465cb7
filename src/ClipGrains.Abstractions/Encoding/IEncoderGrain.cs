namespace ClipGrains.Abstractions.Encoding;

/// <summary>
/// The local entry to a silo's model host. A stateless worker: every silo runs its own activations, and a
/// call from code in a silo is served by that same silo with no network hop. Use key 0.
/// </summary>
[Alias("clipgrains.IEncoderGrain")]
public interface IEncoderGrain : IGrainWithIntegerKey
{
    /// <summary>Decodes, preprocesses and embeds images through the silo's batching queue.</summary>
    [Alias("EncodeImages")]
    Task<EncodeResult> EncodeImages(ImageBatch batch);

    /// <summary>Embeds prompts through the silo's text queue.</summary>
    [Alias("EncodeTexts")]
    Task<EncodeResult> EncodeTexts(TextBatch batch);
}
