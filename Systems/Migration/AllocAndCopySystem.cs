using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 4: the driver's <c>alloc_and_copy</c>, called once with the whole src/dst arrays, their MIGRATE
/// flags derived from the pages in flight just before. Pages the driver gave up (MIGRATE cleared in src:
/// target full, RAM full, the chunk rule) fail with <c>alloc</c>, so the truth holds the driver's answer.
/// </summary>
internal sealed class AllocAndCopySystem(World world) : MigratePhase(world, "alloc-and-copy")
{
    private readonly QueryDescription _query = MigratingQuery;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Run(MigrateState s)
    {
        if (s.Collected == 0)
        {
            return;
        }
        var inFlight = MigratingPages.Count(s);
        DriverFlags.Derive(s, inFlight);
        s.Copy = s.Ops.AllocAndCopy(s.Window, s.Src.AsSpan(0, s.Count), s.Dst.AsSpan(0, s.Count));
        var kept = CountMigrate(s.Src.AsSpan(0, s.Count));
        s.SrcMigrating = kept;
        if (kept == inFlight)
        {
            // The driver kept every page in flight: no page to give up, no query to run.
            return;
        }
        var visitor = new Visitor(s);
        MigratingPages.ForEach(s, _query, ref visitor);
    }

    /// <summary>Entries carrying MIGRATE: the flag bits summed four entries per vector add, then shifted down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountMigrate(ReadOnlySpan<HmmPfn> src)
    {
        var words = MemoryMarshal.Cast<HmmPfn, ulong>(src);
        var i = 0;
        var sum = 0UL;
        if (Vector256.IsHardwareAccelerated)
        {
            var flag = Vector256.Create(HmmPfn.Migrate);
            var acc = Vector256<ulong>.Zero;
            ref var first = ref MemoryMarshal.GetReference(words);
            for (; i + Vector256<ulong>.Count <= words.Length; i += Vector256<ulong>.Count)
            {
                acc += Vector256.LoadUnsafe(ref first, (nuint)i) & flag;
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < words.Length; i++)
        {
            sum += words[i] & HmmPfn.Migrate;
        }
        return (int)(sum / HmmPfn.Migrate);
    }

    private readonly struct Visitor(MigrateState s) : IMigratingPageVisitor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            if ((s.Src[slot].Value & HmmPfn.Migrate) == 0)
            {
                Fail(s, chunk, row, slot, MigrateReason.Alloc);
            }
        }
    }
}
