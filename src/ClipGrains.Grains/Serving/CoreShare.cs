namespace ClipGrains.Grains.Serving;

/// <summary>
/// How a model's image batches share the silo's cores, so that one default serves both a lone request and a flood. A
/// batch with nothing queued or being decoded behind it takes every core (one ONNX Runtime run spread over all of them:
/// the model's own latency); while more work waits, batches run side by side on one core each (each on the
/// single-threaded session), so a decode or a second batch never stalls a parallel operator that is waiting for all
/// its threads. The two widths never overlap: a batch taking one core waits while an all-cores batch runs, and an
/// all-cores batch is only granted when no one-core batch runs, so ONNX Runtime never has more threads than cores.
/// </summary>
/// <param name="cores">Cores the batches may use (one-core batches at most, and the width of an all-cores batch).</param>
internal sealed class CoreShare(int cores)
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private int _oneCore;
    private bool _allCores;

    /// <summary>Cores shared.</summary>
    public int Cores { get; } = Math.Max(1, cores);

    /// <summary>
    /// Waits for cores for one batch: all of them when none is taken and <paramref name="alone"/> says nothing waits
    /// behind the batch (asked again after every wait, since the queue changes meanwhile), else one. Returns whether it
    /// got all; the caller gives them back with <see cref="Release"/>.
    /// </summary>
    public async ValueTask<bool> TakeAsync(Func<bool> alone)
    {
        ArgumentNullException.ThrowIfNull(alone);
        while (true)
        {
            TaskCompletionSource turn;
            lock (_gate)
            {
                if (!_allCores && _oneCore == 0 && (Cores == 1 || alone()))
                {
                    _allCores = true;
                    return true;
                }

                if (!_allCores && _oneCore < Cores)
                {
                    _oneCore++;
                    return false;
                }

                turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue(turn);
            }

            await turn.Task;
        }
    }

    /// <summary>Gives back what <see cref="TakeAsync"/> granted (<paramref name="all"/>: its result).</summary>
    public void Release(bool all)
    {
        TaskCompletionSource[] wake;
        lock (_gate)
        {
            if (all)
            {
                _allCores = false;
            }
            else
            {
                _oneCore--;
            }

            // Everyone waiting asks again: after an all-cores batch, several one-core batches may start at once.
            wake = [.. _waiting];
            _waiting.Clear();
        }

        foreach (var turn in wake)
        {
            turn.TrySetResult();
        }
    }
}
