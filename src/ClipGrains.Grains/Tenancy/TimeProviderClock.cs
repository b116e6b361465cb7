namespace ClipGrains.Grains.Tenancy;

#pragma warning disable CS0618 // ISystemClock is the only way MemoryCache takes a clock.
/// <summary>A <see cref="TimeProvider"/> as the clock of a <c>MemoryCache</c>, so expiry follows fake clocks in tests.</summary>
internal sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
#pragma warning restore CS0618
