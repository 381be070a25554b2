using System.Runtime.CompilerServices;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Devices.Frames;

namespace HmmEcs.Systems.Migration;

/// <summary>What collect does to a page it takes, under every profile that walks PTEs: the same entry, entry kind and bits.</summary>
internal static class CollectedEntry
{
    /// <summary>The <c>src</c> flags of a page collect takes: MIGRATE and LOCKED, WRITE from the entry, DEVICE and UNADDRESSABLE from where the page is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Flags(in Pte pte, int device)
    {
        var flags = HmmPfn.Migrate | HmmPfn.Locked;
        if (pte.Writable)
        {
            flags |= HmmPfn.Write;
        }
        if (device >= 0)
        {
            flags |= HmmPfn.Device;
        }
        if (pte.Kind == PteKind.DevicePrivate)
        {
            flags |= HmmPfn.Unaddressable;
        }
        return flags;
    }

    /// <summary>
    /// Takes page <paramref name="id"/> (row <paramref name="row"/> of the cursor's chunk) for slot <paramref name="slot"/>:
    /// its <c>src</c> entry, a migration entry in place of its PTE, its <c>Migrate</c> and <c>Locked</c> bits, and the
    /// slot in a small request's list. <paramref name="collected"/> counts the pages taken so far.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Take(MigrateState s, ref Pte pte, ref PageCursor cursor, int row, int id, int slot, ulong flags,
        Span<HmmPfn> src, Span<MigrateReason> outcome, ref int collected)
    {
        // Departure: v13 dropped the rmap and mapcount here; the simulator keeps the migration entry
        // counted and chained, so unmap, restore and finalize all walk the same reverse map.
        // MIGRATE here says "collected"; the driver boundaries derive it from the truth (DriverFlags).
        src[slot] = HmmPfn.From(id, flags);
        outcome[slot] = MigrateReason.None;
        pte.Kind = PteKind.Migration;
        cursor.Take(row);
        if (collected < MigrateState.SmallRequest)
        {
            s.SmallSlots[collected] = slot;
            s.SmallChunks[collected] = cursor.Chunk;
            s.SmallRows[collected] = row;
        }
        collected++;
    }
}
