using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tests.Support;

namespace ClipGrains.Grains.Tests.Tenancy;

[Trait("Category", "cluster")]
[Collection(TenancyClusterGroup.Name)]
public sealed class IdempotencyGrainTests(TenancyClusterFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private IIdempotencyGrain Key() => fixture.Cluster.Client.GetGrain<IIdempotencyGrain>($"tn_x/{Guid.NewGuid():N}");

    [Fact]
    public async Task Of_two_hundred_concurrent_claims_exactly_one_proceeds()
    {
        var key = Key();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => key.Begin("fp", Lease)));

        Assert.Equal(1, decisions.Count(d => d.Outcome == IdempotencyOutcome.Proceed));
        Assert.Equal(199, decisions.Count(d => d.Outcome == IdempotencyOutcome.InFlight));
    }

    [Fact]
    public async Task A_completed_key_replays_its_response_and_refuses_another_body()
    {
        var key = Key();
        await key.Begin("fp", Lease);
        var response = new StoredResponse(200, "application/json", "{\"ok\":1}"u8.ToArray());

        await key.Complete("fp", response);

        var replay = await key.Begin("fp", Lease);
        Assert.Equal(IdempotencyOutcome.Replay, replay.Outcome);
        Assert.Equal(response.Body, replay.Response!.Body);
        Assert.Equal(IdempotencyOutcome.Mismatch, (await key.Begin("other", Lease)).Outcome);
    }

    [Fact]
    public async Task An_abandoned_claim_can_be_taken_again()
    {
        var key = Key();
        await key.Begin("fp", Lease);

        await key.Abandon("fp");

        Assert.Equal(IdempotencyOutcome.Proceed, (await key.Begin("another body", Lease)).Outcome);
    }

    [Fact]
    public async Task A_claim_past_its_lease_is_considered_abandoned_and_records_expire_after_24_hours()
    {
        var stuck = Key();
        await stuck.Begin("fp", Lease);
        var done = Key();
        await done.Begin("fp", Lease);
        await done.Complete("fp", new StoredResponse(200, "application/json", [1]));

        fixture.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(IdempotencyOutcome.Proceed, (await stuck.Begin("fp", Lease)).Outcome);
        Assert.Equal(IdempotencyOutcome.Replay, (await done.Begin("fp", Lease)).Outcome);

        fixture.Clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(IdempotencyOutcome.Proceed, (await done.Begin("new", Lease)).Outcome);
    }
}
