using Orleans.Concurrency;

namespace ClipGrains.Abstractions.Encoding;

/// <summary>
/// A silo's model host addressed from elsewhere in the cluster: the grain key is the silo's address
/// (<c>SiloAddress.ToParsableString()</c>) and a placement director activates it on exactly that silo.
/// Used to send chunks of a large request to other silos.
/// </summary>
[Alias("clipgrains.ISiloEncoderGrain")]
public interface ISiloEncoderGrain : IGrainWithStringKey
{
    /// <summary>Same as <see cref="IEncoderGrain.EncodeImages"/>, on the silo named by the key.</summary>
    [Alias("EncodeImages")]
    Task<EncodeResult> EncodeImages(ImageBatch batch);

    /// <summary>Items waiting in the silo's image queue plus those being inferred: its current load.</summary>
    [AlwaysInterleave, Alias("GetLoad")]
    Task<int> GetLoad();

    /// <summary>Which models the silo holds or is loading now.</summary>
    [AlwaysInterleave, Alias("GetModels")]
    Task<ModelCopyState[]> GetModels();
}
