namespace ClipGrains.Abstractions.LabelSets;

/// <summary>
/// The credits reserved for building one version of a label set, owned by the label set from acceptance until the
/// build ends: it commits what was computed (all of it when the build completes, the computed part when it fails or
/// is deleted or replaced first) and the tenant's ledger releases the rest. Whoever finishes the build settles it.
/// </summary>
/// <param name="Tenant">The tenant whose ledger holds the reservation.</param>
/// <param name="ReservationId">The reservation in the tenant's ledger.</param>
/// <param name="Credits">Credits reserved: the price of every prompt of the version.</param>
/// <param name="Prompts">Prompts of the version (labels × templates).</param>
/// <param name="Computed">Prompts computed when the build ended; null while it runs.</param>
/// <param name="Model">The deployment that computes the prompts (the usage record's model).</param>
/// <param name="KeyId">The API key whose write started the build (the usage record's key).</param>
/// <param name="Route">The API operation that started it (the usage record's route).</param>
[GenerateSerializer, Immutable, Alias("clipgrains.build-charge")]
public sealed record BuildCharge(
    [property: Id(0)] string Tenant,
    [property: Id(1)] string ReservationId,
    [property: Id(2)] long Credits,
    [property: Id(3)] int Prompts,
    [property: Id(4)] int? Computed = null,
    [property: Id(5)] string Model = "",
    [property: Id(6)] string KeyId = "",
    [property: Id(7)] string Route = "")
{
    /// <summary>Credits for <paramref name="computed"/> prompts: proportional, rounded down, all of them for a whole build.</summary>
    public long CreditsFor(int computed) =>
        Prompts <= 0 ? 0 : computed >= Prompts ? Credits : (long)(Credits * (decimal)Math.Max(0, computed) / Prompts);
}
