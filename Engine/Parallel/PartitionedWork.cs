namespace HmmEcs.Engine;

/// <summary>
/// Work cut into parts that the calling thread and thread-pool helpers share: each claims the next part
/// until none is left. The caller starts at once and never waits on a helper that has not begun, so a
/// busy machine costs no more than the serial run. A part must not share unsynchronised state with
/// another part; whatever the parts add up is merged by the subclass after <see cref="Run"/>.
/// </summary>
public abstract class PartitionedWork
{
    private int _next;
    private int _parts;
    private Exception? _error;

    /// <summary>Does part <paramref name="part"/> (0 ≤ part &lt; the parts given to <see cref="Run"/>), on any thread.</summary>
    protected abstract void Work(int part);

    /// <summary>
    /// Runs parts <c>0..parts-1</c> on the calling thread and up to <paramref name="workers"/> − 1 helpers, and returns
    /// when every part is done; the first exception a part threw is rethrown (wrapped when a helper threw it).
    /// </summary>
    public void Run(int parts, int workers)
    {
        _next = 0;
        _parts = parts;
        _error = null;
        var helpers = new Helper[Math.Max(0, Math.Min(workers, parts) - 1)];
        for (var h = 0; h < helpers.Length; h++)
        {
            helpers[h] = new Helper(this);
            ThreadPool.UnsafeQueueUserWorkItem(helpers[h], preferLocal: false);
        }
        try
        {
            Claim();
        }
        finally
        {
            foreach (var helper in helpers)
            {
                helper.CancelOrAwait();
            }
        }
        if (_error is not null)
        {
            throw new AggregateException("a helper thread failed", _error);
        }
    }

    private void Claim()
    {
        int part;
        while ((part = Interlocked.Increment(ref _next) - 1) < _parts)
        {
            Work(part);
        }
    }

    /// <summary>A thread-pool helper: runs only if it starts before the caller is done.</summary>
    private sealed class Helper(PartitionedWork work) : IThreadPoolWorkItem
    {
        private const int Queued = 0;
        private const int Running = 1;
        private const int Cancelled = 2;
        private const int Done = 3;
        private int _state;

        public void Execute()
        {
            if (Interlocked.CompareExchange(ref _state, Running, Queued) != Queued)
            {
                return;
            }
            try
            {
                work.Claim();
            }
            catch (Exception e)
            {
                work._error = e;
                // The parts this helper would have claimed are gone; stop the others from claiming more.
                Interlocked.Exchange(ref work._next, work._parts);
            }
            finally
            {
                Volatile.Write(ref _state, Done);
            }
        }

        /// <summary>Called by the caller once no part is left: a helper that has not started never will; one that has is waited for.</summary>
        public void CancelOrAwait()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                return;
            }
            var spin = new SpinWait();
            while (Volatile.Read(ref _state) != Done)
            {
                spin.SpinOnce();
            }
        }
    }
}
