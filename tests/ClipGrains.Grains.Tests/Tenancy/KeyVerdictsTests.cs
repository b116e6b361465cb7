using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tenancy;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Grains.Tests.Tenancy;

public sealed class KeyVerdictsTests
{
    private static readonly byte[] Hash = ApiKeyMaterial.Hash("secret");

    private static KeyVerdicts Create(FakeTimeProvider time, TimeSpan? cacheTime = null) =>
        new(Options.Create(new AuthOptions { VerdictCacheTime = cacheTime ?? TimeSpan.FromSeconds(1) }), time);

    [Fact]
    public void A_success_is_remembered_for_the_cache_time_and_no_longer()
    {
        var time = new FakeTimeProvider();
        using var verdicts = Create(time);
        verdicts.Remember("k1", Hash, "tn_a");

        Assert.Equal("tn_a", verdicts.TenantOf("k1", Hash));
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal("tn_a", verdicts.TenantOf("k1", Hash));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(verdicts.TenantOf("k1", Hash));
    }

    [Fact]
    public void Only_the_secret_that_succeeded_is_trusted()
    {
        using var verdicts = Create(new FakeTimeProvider());
        verdicts.Remember("k1", Hash, "tn_a");

        Assert.Null(verdicts.TenantOf("k1", ApiKeyMaterial.Hash("secreT")));
        Assert.Null(verdicts.TenantOf("k2", Hash));
    }

    [Fact]
    public void A_pushed_forget_takes_effect_at_once()
    {
        using var verdicts = Create(new FakeTimeProvider());
        verdicts.Remember("k1", Hash, "tn_a");
        verdicts.Remember("k2", Hash, "tn_a");

        ((IKeyVerdictCache)verdicts).Forget("k1");

        Assert.Null(verdicts.TenantOf("k1", Hash));
        Assert.Equal("tn_a", verdicts.TenantOf("k2", Hash));
    }

    [Fact]
    public void A_zero_cache_time_remembers_nothing()
    {
        using var verdicts = Create(new FakeTimeProvider(), TimeSpan.Zero);
        verdicts.Remember("k1", Hash, "tn_a");

        Assert.Null(verdicts.TenantOf("k1", Hash));
    }
}
