using System.Diagnostics.Metrics;
using ClipGrains.Abstractions.Configuration;
using ClipGrains.Abstractions.Encoding;
using ClipGrains.Grains.Serving;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Inference;
using ClipGrains.Inference.Model;
using ClipGrains.Inference.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClipGrains.Grains.Tests.Serving;

/// <summary>Models as per-silo activations: lazy single-flight loads, idle unload, the memory budget and its eviction order.</summary>
public sealed class SiloModelsTests : IDisposable
{
    private readonly SyntheticClip _model = SyntheticClip.Create();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    private static readonly DateTimeOffset Forever = DateTimeOffset.MaxValue;

    public void Dispose()
    {
        _services.Dispose();
        _model.Dispose();
    }

    [Fact]
    public async Task Nothing_loads_until_a_request_needs_it_and_twenty_concurrent_first_requests_share_one_load()
    {
        var loader = new CountingLoader();
        await using var models = Models(loader, Deployment("a"));
        Assert.Equal([new ModelState("a", false, false, 0, 0, default)], models.States());

        loader.Gate.Reset();
        var uses = Enumerable.Range(0, 20).Select(_ => models.AcquireAsync("a", Forever)).ToList();
        loader.Gate.Set();
        var held = await Task.WhenAll(uses);

        Assert.Equal(1, loader.Loads);
        Assert.All(held, u => Assert.Same(held[0].Host, u.Host));
        Assert.Equal(20, models.States()[0].InUse);
        foreach (var use in held)
        {
            use.Dispose();
        }

        Assert.Equal(0, models.States()[0].InUse);
    }

    [Fact]
    public async Task An_idle_model_unloads_after_its_timeout_on_the_clock_and_loads_again_on_the_next_request()
    {
        var loader = new CountingLoader();
        await using var models = Models(loader, Deployment("a", idle: TimeSpan.FromMinutes(10)));
        (await models.AcquireAsync("a", Forever)).Dispose();

        _clock.Advance(TimeSpan.FromMinutes(9));
        await models.UnloadIdleAsync();
        Assert.True(models.States()[0].Loaded);

        _clock.Advance(TimeSpan.FromMinutes(1));
        await models.UnloadIdleAsync();
        Assert.False(models.States()[0].Loaded);
        Assert.Equal(0, models.States()[0].Bytes);

        (await models.AcquireAsync("a", Forever)).Dispose();
        Assert.Equal(2, loader.Loads);
    }

    [Fact]
    public async Task A_model_in_use_is_not_unloaded_however_long_its_request_takes()
    {
        await using var models = Models(new CountingLoader(), Deployment("a", idle: TimeSpan.FromMinutes(1)));
        using var use = await models.AcquireAsync("a", Forever);

        _clock.Advance(TimeSpan.FromHours(1));
        await models.UnloadIdleAsync();

        Assert.True(models.States()[0].Loaded);
    }

    [Fact]
    public async Task Min_copies_keeps_a_model_loaded_forever()
    {
        await using var models = Models(new CountingLoader(), Deployment("a", idle: TimeSpan.FromMinutes(1), minCopies: 1));
        await models.LoadAsync("a");

        _clock.Advance(TimeSpan.FromDays(30));
        await models.UnloadIdleAsync();

        Assert.True(models.States()[0].Loaded);
    }

    [Fact]
    public async Task A_full_budget_evicts_the_least_recently_used_idle_model()
    {
        var loader = new CountingLoader();
        await using var models = Models(loader, budgetModels: 2, Deployment("a"), Deployment("b"), Deployment("c"));
        (await models.AcquireAsync("a", Forever)).Dispose();
        _clock.Advance(TimeSpan.FromMinutes(1));
        (await models.AcquireAsync("b", Forever)).Dispose();
        _clock.Advance(TimeSpan.FromMinutes(1));
        (await models.AcquireAsync("a", Forever)).Dispose(); // a is now more recent than b

        (await models.AcquireAsync("c", Forever)).Dispose();

        Assert.Equal(["a", "c"], models.States().Where(s => s.Loaded).Select(s => s.Id));
    }

    [Fact]
    public async Task Collection_indexes_on_the_silo_count_against_the_model_budget()
    {
        var loader = new CountingLoader();
        var telemetry = new ClipGrainsTelemetry(_services.GetRequiredService<IMeterFactory>());
        var shards = new ClipGrains.Grains.Collections.ShardGauges(telemetry);
        await using var models = Models(loader, budgetModels: 2, shards, Deployment("a"), Deployment("b"));
        (await models.AcquireAsync("a", Forever)).Dispose();
        _clock.Advance(TimeSpan.FromMinutes(1));

        // A shard as large as one model: the budget of two now holds one model, so b's load evicts the idle a.
        shards.Report("col_x/0", 1000, loader.SizeOf(Deployment("a"), _model.Directory), "hnsw");
        (await models.AcquireAsync("b", Forever)).Dispose();

        Assert.Equal(["b"], models.States().Where(s => s.Loaded).Select(s => s.Id));
    }

    [Fact]
    public async Task When_every_loaded_model_is_in_use_a_new_one_gets_model_capacity()
    {
        await using var models = Models(new CountingLoader(), budgetModels: 1, Deployment("a"), Deployment("b"));
        using var busy = await models.AcquireAsync("a", Forever);
        _clock.Advance(TimeSpan.FromMinutes(5));

        var refused = await Assert.ThrowsAsync<ModelUnavailableException>(() => models.AcquireAsync("b", Forever));

        Assert.Equal(EncodeFailure.ModelCapacity, refused.Code);
        Assert.Equal(["a"], models.States().Where(s => s.Loaded).Select(s => s.Id));
        Assert.Equal(0, models.States()[1].InUse);
    }

    [Fact]
    public async Task A_model_kept_busy_past_its_residency_is_paused_so_a_waiting_model_loads_when_it_drains()
    {
        await using var models = Models(new CountingLoader(), budgetModels: 1, Deployment("a"), Deployment("b"));
        var busy = await models.AcquireAsync("a", Forever);
        _clock.Advance(TimeSpan.FromSeconds(30));

        // b's first request finds no room, and a is paused: its new requests are turned away while its work drains.
        Assert.Equal(EncodeFailure.ModelCapacity, (await Assert.ThrowsAsync<ModelUnavailableException>(() => models.AcquireAsync("b", Forever))).Code);
        var paused = await Assert.ThrowsAsync<ModelUnavailableException>(() => models.AcquireAsync("a", Forever));
        Assert.Equal(EncodeFailure.ModelCapacity, paused.Code);
        Assert.Contains("pausing", paused.Message, StringComparison.Ordinal);

        // a drained: b's retry evicts it and loads; a's tenants wait their turn (b is not evicted for a residency).
        busy.Dispose();
        (await models.AcquireAsync("b", Forever)).Dispose();
        Assert.Equal(["b"], models.States().Where(s => s.Loaded).Select(s => s.Id));
    }

    [Fact]
    public async Task A_pause_ends_when_the_waiting_model_does_not_come_back_to_load()
    {
        await using var models = Models(new CountingLoader(), budgetModels: 1, Deployment("a"), Deployment("b"));
        using var busy = await models.AcquireAsync("a", Forever);
        _clock.Advance(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<ModelUnavailableException>(() => models.AcquireAsync("b", Forever));
        await Assert.ThrowsAsync<ModelUnavailableException>(() => models.AcquireAsync("a", Forever));

        _clock.Advance(TimeSpan.FromSeconds(15));

        (await models.AcquireAsync("a", Forever)).Dispose();
        Assert.Equal(["a"], models.States().Where(s => s.Loaded).Select(s => s.Id));
    }

    [Fact]
    public async Task A_model_loaded_less_than_the_minimum_residency_ago_is_not_evicted_so_two_models_cannot_thrash()
    {
        await using var models = Models(new CountingLoader(), budgetModels: 1, Deployment("a"), Deployment("b"));
        (await models.AcquireAsync("a", Forever)).Dispose();
        _clock.Advance(TimeSpan.FromSeconds(29));

        var refused = await Assert.ThrowsAsync<ModelUnavailableException>(() => models.AcquireAsync("b", Forever));
        Assert.Equal(EncodeFailure.ModelCapacity, refused.Code);

        _clock.Advance(TimeSpan.FromSeconds(1));
        (await models.AcquireAsync("b", Forever)).Dispose();
        Assert.Equal(["b"], models.States().Where(s => s.Loaded).Select(s => s.Id));
    }

    [Fact]
    public async Task A_request_whose_deadline_passes_during_the_load_gets_model_loading_and_the_load_goes_on()
    {
        var loader = new CountingLoader();
        await using var models = Models(loader, Deployment("a"));
        loader.Gate.Reset();

        var waiting = models.AcquireAsync("a", _clock.GetUtcNow() + TimeSpan.FromSeconds(2));
        await loader.Started.WaitAsync(TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(3));
        var refused = await Assert.ThrowsAsync<ModelUnavailableException>(() => waiting);

        Assert.Equal(EncodeFailure.ModelLoading, refused.Code);
        Assert.True(models.States()[0].Loading);
        loader.Gate.Set();
        (await models.AcquireAsync("a", Forever)).Dispose();
        Assert.Equal(1, loader.Loads);
    }

    [Fact]
    public async Task A_load_that_fails_is_tried_again_by_the_next_request()
    {
        var loader = new CountingLoader { FailNext = true };
        await using var models = Models(loader, Deployment("a"));

        var failed = await Assert.ThrowsAsync<ModelUnavailableException>(() => models.AcquireAsync("a", Forever));
        Assert.Equal(EncodeFailure.ModelUnavailable, failed.Code);
        Assert.False(models.States()[0].Loading);

        (await models.AcquireAsync("a", Forever)).Dispose();
        Assert.True(models.States()[0].Loaded);
    }

    [Theory]
    [InlineData(typeof(UnauthorizedAccessException))]
    [InlineData(typeof(TaskCanceledException))]
    [InlineData(typeof(InvalidDataException))]
    public async Task Any_load_failure_is_model_unavailable_never_an_exception_from_the_grain(Type failure)
    {
        var loader = new CountingLoader { FailWith = (Exception)Activator.CreateInstance(failure)! };
        await using var models = Models(loader, Deployment("a"));

        var result = await models.EncodeTextsAsync(new TextBatch(["a cat"], Forever, "t", "a"), "silo");

        Assert.Equal(EncodeFailure.ModelUnavailable, result.Failure!.Code);
        Assert.Equal(0, models.States()[0].InUse);
    }

    [Fact]
    public async Task Requests_name_models_by_alias_and_an_unknown_one_is_model_unknown()
    {
        var deployment = Deployment("a");
        deployment.Aliases = ["org/a"];
        await using var models = Models(new CountingLoader(), deployment);

        using var byAlias = await models.AcquireAsync("org%2Fa", Forever);
        var unknown = await Assert.ThrowsAsync<ModelUnavailableException>(() => models.AcquireAsync("b", Forever));

        Assert.Equal("a", models.States().Single(s => s.Loaded).Id);
        Assert.Equal(EncodeFailure.ModelUnknown, unknown.Code);
    }

    [Fact]
    public async Task Every_loaded_model_decodes_through_the_silos_one_decode_admission()
    {
        await using var models = Models(new CountingLoader(), Deployment("a"), Deployment("b"));
        using var a = await models.AcquireAsync("a", Forever);
        using var b = await models.AcquireAsync("b", Forever);

        // One set of slots and one pixel pool per silo: the memory bound of decoding does not grow with the models loaded.
        Assert.NotSame(a.Host, b.Host);
        Assert.Same(a.Host.Admission, b.Host.Admission);
    }

    private ModelDeploymentOptions Deployment(string id, TimeSpan? idle = null, int minCopies = 0) =>
        new() { Id = id, Path = _model.Directory, IntraOpThreads = 1, IdleTimeout = idle ?? TimeSpan.FromMinutes(10), MinCopies = minCopies };

    private SiloModels Models(CountingLoader loader, params ModelDeploymentOptions[] deployments) => Models(loader, 0, deployments);

    // A budget of n models: n times the synthetic model's graph bytes.
    private SiloModels Models(CountingLoader loader, int budgetModels, params ModelDeploymentOptions[] deployments) => Models(loader, budgetModels, null, deployments);

    private SiloModels Models(CountingLoader loader, int budgetModels, ClipGrains.Grains.Collections.ShardGauges? shards, params ModelDeploymentOptions[] deployments)
    {
        var bytes = loader.SizeOf(deployments[0], _model.Directory);
        var options = new ModelsOptions
        {
            Deployments = [.. deployments],
            MemoryBudget = budgetModels == 0 ? 0 : bytes * budgetModels,
            MinResidency = TimeSpan.FromSeconds(30),
            MaxParallelLoads = 2,
        };
        var telemetry = new ClipGrainsTelemetry(_services.GetRequiredService<IMeterFactory>());
        var batching = Options.Create(new BatchingOptions());
        return new SiloModels(Options.Create(options), batching, loader, new DecodeAdmission(batching, _clock), _clock, telemetry, NullLogger<SiloModels>.Instance, shards);
    }

    /// <summary>The real loader, counting loads; <see cref="Gate"/> holds loads back while reset.</summary>
    private sealed class CountingLoader() : ModelLoader(Options.Create(new ClipModelOptions()))
    {
        private int _loads;
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Gate { get; } = new(initialState: true);

        public Task Started => _started.Task;

        public int Loads => Volatile.Read(ref _loads);

        public bool FailNext { get; set; }

        public Exception? FailWith { get; set; }

        public override ClipModel Load(ModelDeploymentOptions deployment, string folder)
        {
            _started.TrySetResult();
            Gate.Wait(TimeSpan.FromSeconds(30));
            if (FailWith is { } failure)
            {
                FailWith = null;
                throw failure;
            }

            if (FailNext)
            {
                FailNext = false;
                throw new ModelLoadException(folder, "broken model files");
            }

            Interlocked.Increment(ref _loads);
            return base.Load(deployment, folder);
        }
    }
}
