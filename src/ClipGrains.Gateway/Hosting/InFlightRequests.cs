namespace ClipGrains.Gateway.Hosting;

/// <summary>
/// Counts requests being served so a stopping silo can wait for them before it leaves the cluster. Once
/// <see cref="Close"/> is called the count only goes down and <see cref="Drained"/> completes at zero.
/// </summary>
public sealed class InFlightRequests
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private long _served;
    private bool _closed;

    /// <summary>Requests now being served.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Requests finished since start (a change tells that the server was used).</summary>
    public long Served
    {
        get
        {
            lock (_lock)
            {
                return _served;
            }
        }
    }

    /// <summary>Whether new requests are refused (the silo is stopping).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Completes when the gate is closed and the last admitted request has finished.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Admits a request unless the gate is closed; the caller must <see cref="Exit"/> exactly once after a true.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _count++;
            return true;
        }
    }

    /// <summary>Marks an admitted request finished.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            _count--;
            _served++;
            if (_closed && _count == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Refuses new requests from now on.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            if (_count == 0)
            {
                _drained.TrySetResult();
            }
        }
    }
}
