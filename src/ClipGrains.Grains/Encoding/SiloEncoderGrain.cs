using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Serving;
using ClipGrains.Grains.Placement;
using Orleans.Concurrency;

namespace ClipGrains.Grains.Encoding;

/// <summary>
/// This silo's models as seen from other silos: keyed by the silo address and placed on exactly that
/// silo by <see cref="SiloTargetedPlacementDirector"/>. Reentrant, because all it does is hand work to the
/// batching queue; ordering is the queue's business.
/// </summary>
[SiloTargetedPlacement]
[Reentrant]
internal sealed class SiloEncoderGrain(SiloModels models, ILocalSiloDetails silo) : Grain, ISiloEncoderGrain
{
    public Task<EncodeResult> EncodeImages(ImageBatch batch) => models.EncodeImagesAsync(batch, silo.SiloAddress.ToParsableString());

    public Task<EncodeResult> EncodeTexts(TextBatch batch) => models.EncodeTextsAsync(batch, silo.SiloAddress.ToParsableString());

    public Task<SiloSnapshot> GetSnapshot() => Task.FromResult(models.Snapshot());
}
