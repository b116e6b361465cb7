using Orleans.Concurrency;

namespace ClipGrains.Abstractions.Encoding;

/// <summary>
/// A silo's models addressed from elsewhere in the cluster: the grain key is the silo's address
/// (<c>SiloAddress.ToParsableString()</c>) and a placement director activates it on exactly that silo.
/// Used to send work to a silo holding the model, and chunks of a large request to several.
/// </summary>
[Alias("clipgrains.ISiloEncoderGrain")]
public interface ISiloEncoderGrain : IGrainWithStringKey
{
    /// <summary>Same as <see cref="IEncoderGrain.EncodeImages"/>, on the silo named by the key.</summary>
    [Alias("EncodeImages")]
    Task<EncodeResult> EncodeImages(ImageBatch batch);

    /// <summary>Same as <see cref="IEncoderGrain.EncodeTexts"/>, on the silo named by the key.</summary>
    [Alias("EncodeTexts")]
    Task<EncodeResult> EncodeTexts(TextBatch batch);

    /// <summary>The silo's image load and which models it holds or is loading: what routing decides on.</summary>
    [AlwaysInterleave, Alias("GetSnapshot")]
    Task<SiloSnapshot> GetSnapshot();
}
