using System.Runtime.CompilerServices;

namespace HmmEcs.Devices.Frames;

/// <summary>
/// Times each page id was freed, in blocks of 2^16 ids allocated at a block's first free: a mirror entry taken
/// before a free is stale even when the id is handed out again. A block no page of which was ever freed reads as
/// zeros without existing, so the first device mirror of a 10M-page machine costs no 80 MB table of zeros
/// (4 bytes per page id, fresh memory on the first migrate).
/// </summary>
public sealed class PageGenerations
{
    private const int BlockShift = 16;
    private const int BlockMask = (1 << BlockShift) - 1;
    private readonly uint[]?[] _blocks;

    /// <summary>Generations for page ids <c>0..ids-1</c>, all zero.</summary>
    public PageGenerations(int ids) => _blocks = new uint[]?[(ids >> BlockShift) + 1];

    /// <summary>The generation of page <paramref name="id"/>.</summary>
    public uint this[int id]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _blocks[id >> BlockShift] is { } block ? block[id & BlockMask] : 0;
    }

    /// <summary>
    /// Counts a free of page <paramref name="id"/>. Threads may bump different ids at once (a phase on two cores):
    /// a block is published by one compare-exchange, so two first frees in one block both count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Bump(int id)
    {
        var block = _blocks[id >> BlockShift] ?? NewBlock(id >> BlockShift);
        block[id & BlockMask]++;
    }

    private uint[] NewBlock(int b) =>
        Interlocked.CompareExchange(ref _blocks[b], new uint[1 << BlockShift], null) ?? _blocks[b]!;
}
