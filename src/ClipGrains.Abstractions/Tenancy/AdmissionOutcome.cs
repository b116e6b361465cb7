namespace ClipGrains.Abstractions.Tenancy;

/// <summary>Whether a request may run.</summary>
public enum AdmissionOutcome
{
    /// <summary>Rate limits passed and the credits are reserved.</summary>
    Admitted = 0,

    /// <summary>A rate limit refused it (429 rate_limit_exceeded); nothing was reserved.</summary>
    RateLimited = 1,

    /// <summary>The balance cannot cover it (429 insufficient_quota); nothing was reserved.</summary>
    InsufficientCredits = 2,

    /// <summary>The tenant is suspended or unknown (401).</summary>
    Refused = 3,
}
