using System.Runtime.ExceptionServices;

namespace HmmEcs.Engine;

public sealed partial class World
{
    private readonly List<(ArchetypeMatch Match, Chunk Chunk)> _parallelWork = [];
    private ulong[][] _workerScratch = [];

    /// <summary>
    /// Runs <paramref name="job"/> over the query's chunks on <see cref="WorldOptions.Workers"/> threads.
    /// The chunks of all matching archetypes are split into contiguous ranges of about equal row
    /// count; each worker runs its own copy of the job (copied as it is at the call, so keep
    /// accumulators zero), and the copies are merged into <paramref name="job"/> in worker order.
    /// Below <see cref="WorldOptions.ParallelThreshold"/> rows it runs on the calling thread.
    /// </summary>
    public void InlineParallelChunkQuery<TJob>(in QueryDescription description, ref TJob job) where TJob : struct, IChunkJob, IReducible<TJob>
    {
        var query = Query(description);
        var work = _parallelWork;
        work.Clear();
        long rows = 0;
        foreach (var match in query.Matches)
        {
            var archetype = match.Archetype;
            for (var c = 0; c < archetype._chunkCount; c++)
            {
                var chunk = archetype._chunks[c];
                if (chunk._count > 0)
                {
                    work.Add((match, chunk));
                    rows += chunk._count;
                }
            }
        }
        var workers = Math.Min(Options.Workers, work.Count);
        if (rows < Options.ParallelThreshold || workers <= 1)
        {
            work.Clear();
            InlineChunkQuery(description, ref job);
            return;
        }
        var bounds = Split(work, rows, workers);
        if (_workerScratch.Length < workers)
        {
            _workerScratch = new ulong[workers][];
            for (var w = 0; w < workers; w++)
            {
                _workerScratch[w] = new ulong[ChunkCapacity >> 6];
            }
        }
        var jobs = new TJob[workers];
        Array.Fill(jobs, job);
        var scratch = _workerScratch;
        EnterIteration();
        try
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => RunRange(ref jobs[w], work, bounds[w], bounds[w + 1], scratch[w]));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        finally
        {
            ExitIteration();
            work.Clear();
        }
        job = jobs[0];
        for (var w = 1; w < workers; w++)
        {
            job.Merge(ref jobs[w]);
        }
    }

    /// <summary>Chunk index bounds giving each worker about rows/workers rows.</summary>
    private static int[] Split(List<(ArchetypeMatch Match, Chunk Chunk)> work, long rows, int workers)
    {
        var bounds = new int[workers + 1];
        long seen = 0;
        var w = 1;
        for (var i = 0; i < work.Count && w < workers; i++)
        {
            seen += work[i].Chunk._count;
            while (w < workers && seen >= rows * w / workers)
            {
                bounds[w++] = i + 1;
            }
        }
        for (; w <= workers; w++)
        {
            bounds[w] = work.Count;
        }
        return bounds;
    }

    private static void RunRange<TJob>(ref TJob job, List<(ArchetypeMatch Match, Chunk Chunk)> work, int from, int to, ulong[] scratch) where TJob : struct, IChunkJob
    {
        for (var i = from; i < to; i++)
        {
            var (match, chunk) = work[i];
            var select = match.Select(chunk, scratch);
            if (select == ChunkSelection.All)
            {
                job.Execute(chunk, default, false);
            }
            else if (select == ChunkSelection.Mask)
            {
                job.Execute(chunk, scratch.AsSpan(0, MaskBits.Words(chunk._count)), true);
            }
        }
    }
}
