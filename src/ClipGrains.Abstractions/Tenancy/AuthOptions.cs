using ClipGrains.Abstractions.Configuration;

namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// How <c>/v1</c> and <c>/admin/v1</c> callers are identified. Bound from <c>ClipGrains:Auth</c> by the gateway; the silo's
/// key-verdict cache reads <see cref="VerdictCacheTime"/>.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>
    /// When true (the default) every <c>/v1</c> call needs <c>Authorization: Bearer cg_…</c> and is rate-limited and
    /// charged to its tenant. False serves everything as one built-in tenant with no limits or charges: for a
    /// developer's own machine only.
    /// </summary>
    public bool Required { get; set; } = true;

    /// <summary>
    /// Every failed authentication is answered no sooner than this after it arrived, so an unknown key id (a cache or
    /// storage miss) and a known id with a wrong secret take the same time: no timing oracle for which ids exist.
    /// </summary>
    public TimeSpan FailureDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Failed authentications (tenant or operator keys) allowed per client address and minute, per silo; past it the
    /// address gets 429 without any key lookup until the allowance refills.
    /// </summary>
    public int FailedAttemptsPerMinute { get; set; } = 120;

    /// <summary>How long a silo remembers that a key id does not exist (no grain call, no storage read for it meanwhile).</summary>
    public TimeSpan UnknownKeyCacheTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a silo trusts a key that authenticated without asking its grain again (0: ask on every request). A
    /// revocation or suspension is pushed to every silo at once; this is how long a silo the push missed may still accept it.
    /// </summary>
    public TimeSpan VerdictCacheTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What is wrong with these settings (<c>ClipGrains:Auth</c>).</summary>
    public SettingChecks Check(SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .NotNegative(nameof(FailureDelay), FailureDelay)
            .Positive(nameof(FailedAttemptsPerMinute), FailedAttemptsPerMinute)
            .NotNegative(nameof(UnknownKeyCacheTime), UnknownKeyCacheTime)
            .NotNegative(nameof(VerdictCacheTime), VerdictCacheTime)
            .That(VerdictCacheTime <= TimeSpan.FromMinutes(1), nameof(VerdictCacheTime), $"must be at most 00:01:00: it bounds how long a revoked key may still work (got {VerdictCacheTime})");
    }
}
