using System.Buffers;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Serving;

/// <summary>
/// The silo's decode admission, shared by every loaded model: the decode slots, handed to waiting tenants in turn, and
/// the pool of pixel buffers. Decoded images are large (up to 160 MB at 40 MP while decoding) and short-lived; one
/// buffer per slot bounds what a flood of large images can take — (slots × 160 MB) plus a pool of the same size per
/// silo, however many models are loaded.
/// </summary>
public sealed class DecodeAdmission(IOptions<BatchingOptions> options, TimeProvider time)
{
    /// <summary>
    /// Decode slots (<c>Batching:MaxConcurrentDecodes</c>), taken in turn by the tenants waiting, each decode weighing its
    /// megapixels, and never all by one tenant while another is present.
    /// </summary>
    internal FairSlots Slots { get; } = new(Math.Max(1, options.Value.MaxConcurrentDecodes), time);

    /// <summary>Pixel buffers for decoding, one per slot kept.</summary>
    internal ArrayPool<byte> Pixels { get; } = ArrayPool<byte>.Create(256 * 1024 * 1024, Math.Max(1, options.Value.MaxConcurrentDecodes));
}
