using ClipGrains.Inference.Model;

namespace ClipGrains.Inference.Tests.Support;

/// <summary>One loaded golden tiny-clip model shared by a test class; null when the golden data is absent.</summary>
public sealed class TinyClipFixture : IDisposable
{
    private readonly Lazy<ClipModel> _model = new(() =>
        ClipModel.Load(ModelBundle.Open(GoldenData.TinyClip), new ClipModelOptions { IntraOpThreads = 1 }));

    public ClipModel Model => _model.Value;

    public void Dispose()
    {
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }
}
