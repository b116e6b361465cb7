using Orleans.Concurrency;

namespace ClipGrains.Grains.LabelSets;

/// <summary>
/// How a label set's background build reports back to its own grain. Going through a grain call (rather than
/// touching state from the background task) serialises the final state write with client requests, so a
/// build finishing while a replace is being written cannot race it.
/// </summary>
[Alias("clipgrains.ILabelSetBuildSink")]
internal interface ILabelSetBuildSink : IGrainWithStringKey
{
    [Alias("Complete")]
    Task Complete(int version, Immutable<float[]> matrix, int dimension);

    [Alias("Fail")]
    Task Fail(int version, string error);
}
