using HmmEcs.Components.Migration;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;

namespace HmmEcs.Devices.Copy;

/// <summary>
/// One large submission's content move, shared by the calling thread and thread-pool helpers: each
/// claims the next chunk until none are left. The caller starts at once and never waits on a helper
/// that has not begun, so a busy machine costs no more than the serial move.
/// </summary>
internal sealed unsafe class ContentMoveJob
{
    private readonly BatchedCopyEngine _engine;
    private readonly PhysicalMemory _memory;
    private readonly HmmPfn* _src;
    private readonly HmmPfn* _dst;
    private readonly int[] _bounds;
    private readonly int _chunks;
    private int _next;
    private Exception? _error;

    /// <summary>A job over chunks <c>[bounds[c], bounds[c+1])</c>; the entry arrays stay pinned until <see cref="Run"/> returns.</summary>
    public ContentMoveJob(BatchedCopyEngine engine, PhysicalMemory memory, HmmPfn* src, HmmPfn* dst, int[] bounds, int chunks)
    {
        _engine = engine;
        _memory = memory;
        _src = src;
        _dst = dst;
        _bounds = bounds;
        _chunks = chunks;
    }

    /// <summary>Offers the job to <paramref name="workers"/> - 1 helpers, works on it, and returns when every chunk is moved.</summary>
    public void Run(int workers)
    {
        var helpers = new Helper[Math.Min(workers, _chunks) - 1];
        for (var h = 0; h < helpers.Length; h++)
        {
            helpers[h] = new Helper(this);
            ThreadPool.UnsafeQueueUserWorkItem(helpers[h], preferLocal: false);
        }
        try
        {
            Work();
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
            throw new AggregateException("a copy-engine helper failed", _error);
        }
    }

    private void Work()
    {
        int c;
        while ((c = Interlocked.Increment(ref _next) - 1) < _chunks)
        {
            _engine.MoveChunk(_memory, _src, _dst, _bounds[c], _bounds[c + 1]);
        }
    }

    /// <summary>A thread-pool helper: runs only if it starts before the caller is done.</summary>
    private sealed class Helper(ContentMoveJob job) : IThreadPoolWorkItem
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
                job.Work();
            }
            catch (Exception e)
            {
                job._error = e;
                // The chunks this helper would have claimed are gone; stop the others from claiming more.
                Interlocked.Exchange(ref job._next, job._chunks);
            }
            finally
            {
                Volatile.Write(ref _state, Done);
            }
        }

        /// <summary>Called by the caller once no chunk is left: a helper that has not started never will; one that has is waited for.</summary>
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
