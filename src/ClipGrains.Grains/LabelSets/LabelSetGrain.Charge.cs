using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.LabelSets;

// The build's credit reservation and the tenant's stored-bytes quota: what a version costs and who settles it.
internal sealed partial class LabelSetGrain
{
    // Records how much of the current version's build was computed and settles its charge (a no-op without one).
    private async Task EndChargeAsync(int computed)
    {
        if (state.State.Charge is { Computed: null } running)
        {
            state.State.Charge = running with { Computed = state.State.Status == LabelSetStatus.Ready ? running.Prompts : computed };
            await state.WriteStateAsync();
        }

        await SettleChargeAsync();
    }

    // Commits the computed part of the recorded charge and releases the rest; the ledger ignores a repeated settlement,
    // so a crash between the settlement and the write below only repeats a no-op.
    private async Task SettleChargeAsync()
    {
        if (state.State.Charge is not { Computed: int computed } charge)
        {
            return;
        }

        var credits = charge.CreditsFor(computed);
        await GrainFactory.GetGrain<ITenantGrain>(charge.Tenant)
            .Settle(new Settlement(charge.ReservationId, Commit: credits > 0, credits, 0, credits > 0 ? Math.Min(computed, charge.Prompts) : 0, Model: charge.Model, KeyId: charge.KeyId, Route: charge.Route));
        state.State.Charge = null;
        await state.WriteStateAsync();
        LogSettled(logger, Name, state.State.Version, computed, charge.Prompts, credits);
    }

    // Taken in the tenant's index before the write: the index is the single writer of the tenant's quota. A crash
    // between the two leaves the size recorded for a set that was not written, which its next write or delete corrects.
    private async Task<LabelSetWriteResult?> ReserveQuotaAsync(LabelSetDefinition definition)
    {
        var o = options.Value;
        // The matrix's size depends on the model's embedding size, known once it is loaded; CLIP ViT-B's 512 until then.
        var dimension = models.LoadedDimension(definition.Model.Length == 0 ? null : definition.Model) ?? 512;
        var refusal = await Index().Reserve(Name, LabelSetBuildOptions.StoredBytes(definition, dimension), o.MaxSetsPerTenant, o.MaxStoredBytesPerTenant);
        return refusal is null ? null : new LabelSetWriteResult(LabelSetWriteOutcome.QuotaExceeded, null, refusal);
    }
}
