using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Grains.LabelSets;
using ClipGrains.Grains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace ClipGrains.Grains.Tests.LabelSets;

/// <summary>A ready set is served from each silo's memory; its grain pushes every change to every silo (fake clock: no expiry meanwhile).</summary>
[Trait("Category", "cluster")]
[Collection(TenancyClusterGroup.Name)]
public sealed class LabelMatrixCacheTests(TenancyClusterFixture fixture)
{
    private static readonly LabelSetDefinition Pets = new(["cat", "dog"], ["a photo of a {}"], null);

    private LabelMatrixCache Cache(int silo) => fixture.Cluster.Silos[silo].ServiceProvider.GetRequiredService<LabelMatrixCache>();

    [Fact]
    public async Task A_ready_set_costs_no_grain_call_per_lookup_until_its_grain_pushes_a_change_to_every_silo()
    {
        var tenant = "tn_" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<ILabelSetGrain>(LabelSetKey.Of(tenant, "pets"));
        await grain.Create(Pets, null);
        Assert.Equal(LabelSetStatus.Ready, (await grain.WaitForBuild(1, TimeSpan.FromMinutes(1)))!.Status);

        foreach (var silo in new[] { 0, 1 })
        {
            var (first, _) = await Cache(silo).GetAsync(tenant, "pets");
            Assert.Equal(1, first!.Version);
            var calls = Cache(silo).InfoCalls;
            for (var i = 0; i < 5; i++)
            {
                var (info, matrix) = await Cache(silo).GetAsync(tenant, "pets");
                Assert.Equal((1, 2), (info!.Version, matrix!.Labels.Count));
            }

            Assert.Equal(calls, Cache(silo).InfoCalls);
        }

        await grain.Replace(Pets with { Labels = ["fish", "cat", "owl"] }, expectedVersion: 1, charge: null);
        foreach (var silo in new[] { 0, 1 })
        {
            // The replace was pushed before it returned: no silo serves version 1 any more.
            // Version 2 is served, still building (no matrix) or already built (its three labels' matrix).
            var (info, matrix) = await Cache(silo).GetAsync(tenant, "pets");
            Assert.Equal(2, info!.Version);
            Assert.Equal(info.Status == LabelSetStatus.Ready ? 3 : null, matrix?.Labels.Count);
            Assert.Contains(info.Status, new[] { LabelSetStatus.Building, LabelSetStatus.Ready });
        }

        Assert.Equal(LabelSetStatus.Ready, (await grain.WaitForBuild(2, TimeSpan.FromMinutes(1)))!.Status);
        foreach (var silo in new[] { 0, 1 })
        {
            var (info, matrix) = await Cache(silo).GetAsync(tenant, "pets");
            Assert.Equal((2, 3), (info!.Version, matrix!.Labels.Count));
        }

        await grain.Delete(expectedVersion: null);
        foreach (var silo in new[] { 0, 1 })
        {
            Assert.Null((await Cache(silo).GetAsync(tenant, "pets")).Info);
        }
    }

    [Fact]
    public async Task A_built_matrix_is_read_back_from_its_own_state_after_deactivation()
    {
        var tenant = "tn_" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<ILabelSetGrain>(LabelSetKey.Of(tenant, "apart"));
        await grain.Create(Pets, null);
        await grain.WaitForBuild(1, TimeSpan.FromMinutes(1));

        // Deactivated and read back from storage: the matrix comes from its own state.
        await fixture.Cluster.Client.GetGrain<Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var matrix = await grain.GetMatrix(1);
        Assert.Equal(Pets.Labels, matrix!.Labels);
        Assert.Equal(2 * matrix.Dimension, matrix.Matrix.Length);
    }

    [Fact]
    public async Task A_matrix_stored_the_old_way_moves_to_its_own_state_on_activation()
    {
        var tenant = "tn_" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<ILabelSetGrain>(LabelSetKey.Of(tenant, "legacy"));
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ClipGrainsStorage.Name);
        float[] legacy = [0.6f, 0.8f, 1f, 0f];
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var stored = new GrainState<LabelSetState>(new LabelSetState
        {
            // Arrays, as a deserialized definition holds (the storage serializer records collection types by name).
            Definition = new LabelSetDefinition(new[] { "cat", "dog" }, new[] { "a photo of a {}" }, null), Version = 3, Status = LabelSetStatus.Ready, LegacyMatrix = legacy, Dimension = 2, CreatedAt = now, UpdatedAt = now,
        });
        await storage.WriteStateAsync("labelset", grain.GetGrainId(), stored);

        var matrix = await grain.GetMatrix(3);

        Assert.Equal(legacy, matrix!.Matrix);
        Assert.Equal((3, 2), (matrix.Version, matrix.Dimension));
        var set = new GrainState<LabelSetState>(new LabelSetState());
        await storage.ReadStateAsync("labelset", grain.GetGrainId(), set);
        Assert.Null(set.State!.LegacyMatrix);
        Assert.Equal((3, LabelSetStatus.Ready), (set.State.Version, set.State.Status));
        var moved = new GrainState<LabelMatrixState>(new LabelMatrixState());
        await storage.ReadStateAsync("labelmatrix", grain.GetGrainId(), moved);
        Assert.Equal(3, moved.State!.Version);
        Assert.Equal(legacy, moved.State.Matrix);
    }
}
