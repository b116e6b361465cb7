using System.Security.Cryptography;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Cluster;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// One API key. Authentication is a constant-time comparison of SHA-256 hashes. Silos remember a key that authenticated
/// for at most <c>Auth:VerdictCacheTime</c> (1 s); a revocation or suspension is written here first and then pushed to
/// every active silo's cache before the call returns, so it applies to the next request everywhere, and within that
/// time on a silo the push could not reach.
/// Last-used time is recorded at minute precision, so a busy key costs one write per minute, not per request.
/// </summary>
internal sealed class ApiKeyGrain(
    [PersistentState("apikey", ClipGrainsStorage.Name)] IPersistentState<ApiKeyState> state,
    TimeProvider time,
    IClusterMembershipService membership) : Grain, IApiKeyGrain
{
    public async Task Initialize(string tenantId, string name, byte[] secretHash, string prefix, bool tenantSuspended)
    {
        if (state.State.TenantId is not null)
        {
            throw new InvalidOperationException("Key id collision: this key already exists.");
        }

        state.State = new ApiKeyState
        {
            TenantId = tenantId, Name = name, SecretHash = secretHash, Prefix = prefix, CreatedAt = time.GetUtcNow(), TenantSuspended = tenantSuspended,
        };
        await state.WriteStateAsync();
    }

    public async Task<KeyVerdict> Authenticate(byte[] secretHash)
    {
        var s = state.State;
        if (s.TenantId is null)
        {
            // A guessed id: leave no activation behind (a flood of random ids would otherwise keep one each).
            DeactivateOnIdle();
            return new KeyVerdict(null, Exists: false);
        }

        if (s.Revoked || s.TenantSuspended || !CryptographicOperations.FixedTimeEquals(s.SecretHash, secretHash))
        {
            return new KeyVerdict(null, Exists: true);
        }

        var minute = TruncateToMinute(time.GetUtcNow());
        if (s.LastUsedAt != minute)
        {
            s.LastUsedAt = minute;
            await state.WriteStateAsync();
        }

        return new KeyVerdict(s.TenantId, Exists: true);
    }

    public async Task<bool> Revoke(string tenantId)
    {
        if (state.State.TenantId != tenantId)
        {
            return false;
        }

        state.State.Revoked = true;
        await state.WriteStateAsync();
        await ForgetEverywhereAsync();
        return true;
    }

    public async Task SetTenantSuspended(bool suspended)
    {
        if (state.State.TenantId is not null && state.State.TenantSuspended != suspended)
        {
            state.State.TenantSuspended = suspended;
            await state.WriteStateAsync();
            if (suspended)
            {
                await ForgetEverywhereAsync();
            }
        }
    }

    public Task<ApiKeyInfo?> GetInfo()
    {
        var s = state.State;
        return Task.FromResult(s.TenantId is null
            ? null
            : new ApiKeyInfo(this.GetPrimaryKeyString(), s.TenantId, s.Name, s.Prefix, s.CreatedAt, s.LastUsedAt, s.Revoked));
    }

    private Task ForgetEverywhereAsync()
    {
        var keyId = this.GetPrimaryKeyString();
        return EverySilo.TellAsync(GrainFactory, membership, time, silo => silo.Forget(keyId));
    }

    private static DateTimeOffset TruncateToMinute(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, t.Offset);
}
