using ClipGrains.Inference.Model;

namespace ClipGrains.Inference.Tests.Support;

/// <summary>One synthetic model folder and its loaded model, shared by a test class.</summary>
public sealed class SyntheticClipFixture : IDisposable
{
    public SyntheticClipFixture()
    {
        Files = SyntheticClip.Create();
        Model = ClipModel.Load(ModelBundle.Open(Files.Directory), new ClipModelOptions { IntraOpThreads = 1 });
    }

    public SyntheticClip Files { get; }

    public ClipModel Model { get; }

    public void Dispose()
    {
        Model.Dispose();
        Files.Dispose();
    }
}
