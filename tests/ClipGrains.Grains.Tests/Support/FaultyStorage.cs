using Orleans.Storage;

namespace ClipGrains.Grains.Tests.Support;

/// <summary>Wraps a real grain storage and fails writes of one state name while <see cref="FailWrites"/> is set.</summary>
public sealed class FaultyStorage(IGrainStorage inner, string faultyStateName) : IGrainStorage
{
    public bool FailWrites { get; set; }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        FailWrites && stateName == faultyStateName
            ? throw new IOException("Injected storage write fault.")
            : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
