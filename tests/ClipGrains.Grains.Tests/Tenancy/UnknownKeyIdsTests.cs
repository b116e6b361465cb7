using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tenancy;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Grains.Tests.Tenancy;

public sealed class UnknownKeyIdsTests
{
    [Fact]
    public void Unknown_key_ids_are_remembered_for_the_cache_time_only()
    {
        var time = new FakeTimeProvider();
        using var unknown = new UnknownKeyIds(Options.Create(new AuthOptions { UnknownKeyCacheTime = TimeSpan.FromSeconds(60) }), time);
        unknown.Add("AAAAAAAAAAAA");
        Assert.True(unknown.Contains("AAAAAAAAAAAA"));
        Assert.False(unknown.Contains("BBBBBBBBBBBB"));
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(unknown.Contains("AAAAAAAAAAAA"));
    }
}
