using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Serving;
using Orleans.Concurrency;

namespace ClipGrains.Grains.Encoding;

/// <summary>
/// Local entry to this silo's models (<see cref="SiloModels"/>). Stateless workers are activated on the calling silo,
/// so the gateway's calls never leave the process. Reentrant, because a stateless worker alone admits one call
/// per activation and at most one activation per core: on two cores that let two requests at a time reach the
/// batching queue, and every batch ran with one or two images. The queue, not the grain, decides what runs together.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class EncoderGrain(SiloModels models, ILocalSiloDetails silo) : Grain, IEncoderGrain
{
    public Task<EncodeResult> EncodeImages(ImageBatch batch) => models.EncodeImagesAsync(batch, silo.SiloAddress.ToParsableString());

    public Task<EncodeResult> EncodeTexts(TextBatch batch) => models.EncodeTextsAsync(batch, silo.SiloAddress.ToParsableString());
}
