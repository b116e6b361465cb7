using ClipGrains.Abstractions.Tenancy;
using System.Net;
using System.Threading.RateLimiting;
using ClipGrains.Gateway.Errors;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Security;

/// <summary>
/// Throttles failed authentications per client address and realm (<see cref="AuthRealm"/>) and gives every failure the
/// same minimum duration. An address that used up its failures in a realm is refused with 429 before any key of that
/// realm is looked up, so guessing keys costs the attacker time and the cluster nothing. The realms are counted apart:
/// a tenant's stale keys behind the operator's address (one NAT, one host) must not lock the operator out of the admin
/// API, nor operator typos a tenant. Per silo: a cluster allows that many per silo.
/// </summary>
internal sealed class FailedAuthLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<(IPAddress, AuthRealm)> _failures;
    private readonly AuthOptions _options;
    private readonly TimeProvider _time;

    public FailedAuthLimiter(IOptions<AuthOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var perMinute = Math.Max(1, _options.FailedAttemptsPerMinute);
        _failures = PartitionedRateLimiter.Create<(IPAddress, AuthRealm), (IPAddress, AuthRealm)>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Throws 429 when <paramref name="context"/>'s address has no failed attempts left in <paramref name="realm"/>.</summary>
    public void ThrowIfBlocked(HttpContext context, AuthRealm realm)
    {
        // Read from the statistics: a zero-permit acquire is not a reliable "anything left?" on a partitioned token
        // bucket (it answered acquired with no tokens left once time had passed since the last acquire).
        if (_failures.GetStatistics((Address(context), realm)) is { CurrentAvailablePermits: <= 0 })
        {
            throw new ApiException(429, "rate_limit_exceeded", "too_many_failed_authentications",
                "Too many requests with an invalid key from this address; check the key and retry after the delay in Retry-After.")
            {
                RetryAfter = TimeSpan.FromSeconds(60.0 / Math.Max(1, _options.FailedAttemptsPerMinute)),
            };
        }
    }

    /// <summary>Counts a failure of <paramref name="context"/>'s address in <paramref name="realm"/> and waits out the rest of the failure delay.</summary>
    public async Task FailedAsync(HttpContext context, AuthRealm realm, long startedAt)
    {
        using (_failures.AttemptAcquire((Address(context), realm), 1))
        {
        }

        var remaining = _options.FailureDelay - _time.GetElapsedTime(startedAt);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, _time, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _failures.Dispose();

    private static IPAddress Address(HttpContext context) => context.Connection.RemoteIpAddress ?? IPAddress.None;
}
