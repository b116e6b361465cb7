using ClipGrains.Abstractions.Tenancy;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// One idempotency key of one tenant. The claim is a single grain turn that writes before replying, so of any
/// number of concurrent requests with the key exactly one proceeds; the others see it in flight (409) or,
/// once it completed, get the stored response. Records are kept for the retention period (24 h).
/// </summary>
internal sealed class IdempotencyGrain(
    [PersistentState(IdempotencyRecordSweeper.StateName, ClipGrainsStorage.Name)] IPersistentState<IdempotencyState> state,
    IOptions<TenancyOptions> options,
    TimeProvider time) : Grain, IIdempotencyGrain
{
    public async Task<IdempotencyDecision> Begin(string fingerprint, TimeSpan lease)
    {
        var s = state.State;
        var now = time.GetUtcNow();
        var expired = s.CompletedAt is DateTimeOffset done && now - done > options.Value.IdempotencyRetention;
        var abandoned = s.Fingerprint is not null && s.Response is null && now - s.ClaimedAt > lease;
        if (s.Fingerprint is not null && !expired && !abandoned)
        {
            if (!string.Equals(s.Fingerprint, fingerprint, StringComparison.Ordinal))
            {
                return new IdempotencyDecision(IdempotencyOutcome.Mismatch);
            }

            return s.Response is null
                ? new IdempotencyDecision(IdempotencyOutcome.InFlight)
                : new IdempotencyDecision(IdempotencyOutcome.Replay, s.Response);
        }

        state.State = new IdempotencyState { Fingerprint = fingerprint, ClaimedAt = now };
        await state.WriteStateAsync();
        return new IdempotencyDecision(IdempotencyOutcome.Proceed);
    }

    public async Task Complete(string fingerprint, StoredResponse response)
    {
        if (state.State.Fingerprint == fingerprint && state.State.Response is null)
        {
            state.State.Response = response;
            state.State.CompletedAt = time.GetUtcNow();
            await state.WriteStateAsync();
        }
    }

    public async Task Abandon(string fingerprint)
    {
        if (state.State.Fingerprint == fingerprint && state.State.Response is null)
        {
            await state.ClearStateAsync();
            state.State = new IdempotencyState();
        }
    }
}
