using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Hosting;
using Orleans.Concurrency;

namespace ClipGrains.Grains.Encoding;

/// <summary>
/// Local entry to this silo's <see cref="ModelHost"/>. Stateless workers are activated on the calling silo,
/// so the gateway's calls never leave the process; several activations let requests reach the batching
/// queue concurrently (the queue, not the grain, decides what runs together).
/// </summary>
[StatelessWorker]
internal sealed class EncoderGrain(ModelHost host, ILocalSiloDetails silo) : Grain, IEncoderGrain
{
    public Task<EncodeResult> EncodeImages(ImageBatch batch) => host.EncodeImagesAsync(batch, silo.SiloAddress.ToParsableString());

    public Task<EncodeResult> EncodeTexts(TextBatch batch) => host.EncodeTextsAsync(batch, silo.SiloAddress.ToParsableString());
}
