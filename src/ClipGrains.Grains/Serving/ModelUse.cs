namespace ClipGrains.Grains.Serving;

/// <summary>One request's hold on a loaded model: the model is not unloaded or evicted until every use is disposed.</summary>
public sealed class ModelUse : IDisposable
{
    private readonly ModelActivations _owner;
    private readonly ModelActivations.Activation _activation;
    private int _disposed;

    internal ModelUse(ModelActivations owner, ModelActivations.Activation activation, ModelHost host)
    {
        _owner = owner;
        _activation = activation;
        Host = host;
    }

    /// <summary>The model's host.</summary>
    public ModelHost Host { get; }

    /// <summary>Releases the hold (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Release(_activation);
        }
    }
}
