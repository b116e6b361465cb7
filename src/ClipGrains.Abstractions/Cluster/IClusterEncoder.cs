using ClipGrains.Abstractions.Encoding;

namespace ClipGrains.Abstractions.Cluster;

/// <summary>
/// The cluster's encoders as the API sees them: work goes to silos holding the batch's model (loading it where there is
/// room when none does), and a silo that fails the call is replaced by this one. The API embeds; the cluster encodes.
/// </summary>
public interface IClusterEncoder
{
    /// <summary>Encodes prompts on the silo picked for their model.</summary>
    Task<EncodeResult> EncodeTextsAsync(TextBatch batch);

    /// <summary>Encodes a request's images; large requests are cut into chunks run at once on the silos holding the model.</summary>
    Task<FannedOutResult> EncodeImagesAsync(ImageBatch batch);
}
