namespace ClipGrains.Grains.Serving;

/// <summary>One request's hold on a loaded model: the model is not unloaded or evicted until every use is disposed.</summary>
public sealed class ModelUse : IDisposable
{
    private readonly SiloModels _owner;
    private readonly SiloModels.ModelSlot _slot;
    private int _disposed;

    internal ModelUse(SiloModels owner, SiloModels.ModelSlot slot, ModelHost host)
    {
        _owner = owner;
        _slot = slot;
        Host = host;
    }

    /// <summary>The model's host.</summary>
    public ModelHost Host { get; }

    /// <summary>Releases the hold (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Release(_slot);
        }
    }
}
