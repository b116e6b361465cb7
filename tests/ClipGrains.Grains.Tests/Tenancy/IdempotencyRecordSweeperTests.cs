using ClipGrains.Grains.Storage;
using ClipGrains.Grains.Tenancy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Grains.Tests.Tenancy;

public sealed class IdempotencyRecordSweeperTests
{
    [Fact]
    public async Task A_sweep_deletes_idempotency_records_older_than_retention_plus_the_longest_lease()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var expiry = new RecordingExpiry();
        var sweeper = new IdempotencyRecordSweeper(expiry, Options.Create(new TenancyOptions()), time, NullLogger<IdempotencyRecordSweeper>.Instance);

        Assert.Equal(3, await sweeper.SweepAsync());

        Assert.Equal(("idempotency", new DateTimeOffset(2026, 11, 28, 11, 55, 0, TimeSpan.Zero)), expiry.Calls.Single());
    }

    private sealed class RecordingExpiry : IStateExpiry
    {
        public List<(string, DateTimeOffset)> Calls { get; } = [];

        public Task<int> DeleteWrittenBeforeAsync(string stateName, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
        {
            Calls.Add((stateName, cutoff));
            return Task.FromResult(3);
        }
    }
}
