using ClipGrains.Abstractions.LabelSets;
using ClipGrains.Grains.LabelSets;
using ClipGrains.Grains.Tests.Support;
using ClipGrains.Scoring;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClipGrains.Grains.Tests.LabelSets;

[Trait("Category", "cluster")]
[Collection(TwoSiloClusterGroup.Name)]
public sealed class LabelSetClusterTests(TwoSiloClusterFixture fixture)
{
    private static readonly LabelSetDefinition Pets = new(["cat", "dog", "bird"], ["a photo of a {}", "this is the {}"], null);

    private ILabelSetGrain Grain(string name) => fixture.Cluster.Client.GetGrain<ILabelSetGrain>(LabelSetKey.Of("tenant-a", name));

    // Every test waits for the builds it starts, so no background build of one test is counted by another.
    private long TextsEncoded => fixture.Host(0).Statistics.Texts + fixture.Host(1).Statistics.Texts;

    [Fact]
    public async Task The_matrix_is_computed_once_cluster_wide_and_cached_per_silo()
    {
        var before = TextsEncoded;
        var created = await Grain("once").Create(Pets, null);
        var ready = await Grain("once").WaitForBuild(created.Info!.Version, TimeSpan.FromSeconds(30));
        Assert.Equal(LabelSetStatus.Ready, ready!.Status);
        Assert.Equal(6, TextsEncoded - before);

        var caches = new[] { fixture.Silo(0).GetRequiredService<LabelMatrixCache>(), fixture.Silo(1).GetRequiredService<LabelMatrixCache>() };
        foreach (var cache in caches)
        {
            var misses = cache.Misses;
            var (_, first) = await cache.GetAsync("tenant-a", "once");
            var (_, second) = await cache.GetAsync("tenant-a", "once");
            Assert.Same(first, second);
            Assert.Equal(misses + 1, cache.Misses);
        }

        Assert.Equal(6, TextsEncoded - before);
    }

    [Fact]
    public async Task The_matrix_equals_the_ensembled_prompt_embeddings()
    {
        await Grain("exact").Create(Pets, null);
        await Grain("exact").WaitForBuild(1, TimeSpan.FromSeconds(30));

        var matrix = await Grain("exact").GetMatrix(1);

        var expected = fixture.Host(0).Model.EmbedLabels(Pets.Labels, Pets.Templates);
        Assert.Equal(Pets.Labels, matrix!.Labels);
        Assert.Equal(expected.Matrix, matrix.Matrix, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public async Task Replace_bumps_the_version_only_when_the_content_changes()
    {
        await Grain("versions").Create(Pets, null);
        await Grain("versions").WaitForBuild(1, TimeSpan.FromSeconds(30));
        var before = TextsEncoded;

        var same = await Grain("versions").Replace(Pets with { TemplatePreset = null }, expectedVersion: 1, charge: null);
        Assert.Equal(LabelSetWriteOutcome.Unchanged, same.Outcome);
        Assert.Equal(before, TextsEncoded);

        var mismatch = await Grain("versions").Replace(Pets with { Labels = ["fish"] }, expectedVersion: 7, charge: null);
        Assert.Equal(LabelSetWriteOutcome.VersionMismatch, mismatch.Outcome);

        var changed = await Grain("versions").Replace(Pets with { Labels = ["fish", "cat"] }, expectedVersion: 1, charge: null);
        Assert.Equal(LabelSetWriteOutcome.Replaced, changed.Outcome);
        Assert.Equal(2, changed.Info!.Version);
        var ready = await Grain("versions").WaitForBuild(2, TimeSpan.FromSeconds(30));
        Assert.Equal(LabelSetStatus.Ready, ready!.Status);
        Assert.Null(await Grain("versions").GetMatrix(1));
        Assert.Equal(["fish", "cat"], (await Grain("versions").GetMatrix(2))!.Labels);
    }

    [Fact]
    public async Task Create_twice_is_a_conflict_and_delete_removes_it_from_the_index()
    {
        var index = fixture.Cluster.Client.GetGrain<ILabelSetIndexGrain>("tenant-b");
        var grain = fixture.Cluster.Client.GetGrain<ILabelSetGrain>(LabelSetKey.Of("tenant-b", "pets"));
        await grain.Create(Pets, null);
        await grain.WaitForBuild(1, TimeSpan.FromSeconds(30));

        Assert.Equal(LabelSetWriteOutcome.AlreadyExists, (await grain.Create(Pets, null)).Outcome);
        Assert.Equal(["pets"], await index.List());

        Assert.Equal(LabelSetWriteOutcome.Deleted, (await grain.Delete(null)).Outcome);
        Assert.Empty(await index.List());
        Assert.Null(await grain.GetInfo());
        Assert.Equal(LabelSetWriteOutcome.NotFound, (await grain.Delete(null)).Outcome);
    }

    [Fact]
    public async Task Tenants_do_not_see_each_others_label_sets()
    {
        var own = fixture.Cluster.Client.GetGrain<ILabelSetGrain>(LabelSetKey.Of("tenant-c", "private"));
        await own.Create(Pets, null);
        await own.WaitForBuild(1, TimeSpan.FromSeconds(30));

        Assert.Null(await fixture.Cluster.Client.GetGrain<ILabelSetGrain>(LabelSetKey.Of("tenant-d", "private")).GetInfo());
        Assert.Empty(await fixture.Cluster.Client.GetGrain<ILabelSetIndexGrain>("tenant-d").List());
    }

    [Fact]
    public async Task Presets_of_the_paper_are_used_verbatim()
    {
        var created = await Grain("preset").Create(new LabelSetDefinition(["cat"], TemplatePresets.OpenAi7, "openai-7"), null);
        await Grain("preset").WaitForBuild(1, TimeSpan.FromSeconds(30));

        Assert.Equal(7, created.Info!.PromptsTotal);
        Assert.Equal("openai-7", created.Info.Definition.TemplatePreset);
    }

    [Fact]
    public async Task The_set_that_finishes_a_build_commits_its_reservation_and_a_later_delete_charges_nothing_more()
    {
        var tenant = fixture.Cluster.Client.GetGrain<ClipGrains.Abstractions.Tenancy.ITenantGrain>("tn_" + Guid.NewGuid().ToString("N"));
        Assert.True(await tenant.Create("t", new ClipGrains.Abstractions.Tenancy.TenantLimits(1000, 1000), 100));
        var reservation = Guid.NewGuid().ToString("N");
        var admitted = await tenant.Admit(new ClipGrains.Abstractions.Tenancy.Admission(reservation, 0, 6, TimeSpan.FromDays(1)));
        Assert.Equal(ClipGrains.Abstractions.Tenancy.AdmissionOutcome.Admitted, admitted.Outcome);

        // Nobody else settles: the request that reserved may be long gone (a crash during ?wait=true).
        var grain = Grain("charged-" + reservation);
        await grain.Create(Pets, new BuildCharge(tenant.GetPrimaryKeyString(), reservation, 6, 6));
        Assert.Equal(LabelSetStatus.Ready, (await grain.WaitForBuild(1, TimeSpan.FromSeconds(30)))!.Status);
        var built = (await tenant.GetInfo())!;
        Assert.Equal((94L, 0L), (built.Balance, built.Reserved));
        Assert.Equal(6, (await UsageLogs.RecordsAsync(fixture.Cluster, tenant.GetPrimaryKeyString())).Single().Texts);

        await grain.Delete(null);
        var deleted = (await tenant.GetInfo())!;
        Assert.Equal((94L, 0L), (deleted.Balance, deleted.Reserved));
    }
}
