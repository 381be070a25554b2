using HmmEcs.Components.Memory;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;

namespace HmmEcs.Systems.EcsEngine;

// The ECS engine's answer to the front's stranded-page query (docs/model.md, "Stranded pages").
public sealed partial class EcsMachine
{
    private protected override bool StrandedCore(int vma, long i)
    {
        var v = _mm.Vmas[vma];
        if (v.HasHuge(i))
        {
            return HelperLocked(_mm.HugeRef(v, PageGeometry.PmdOf(i)).Head + PageGeometry.OffsetInPmd(i));
        }
        ref var pte = ref _mm.PteRef(v.FirstPte + i);
        return pte.Kind switch
        {
            PteKind.Migration => true,
            PteKind.Zero => (pte.Bits & PteBits.ZeroMigration) != 0,
            PteKind.Present or PteKind.DevicePrivate => HelperLocked(pte.Target) || ShortOfReferences(pte.Target),
            PteKind.None => v.File is { } file && file.Cache[i] >= 0 && (HelperLocked(file.Cache[i]) || ShortOfReferences(file.Cache[i])),
            _ => false,
        };
    }

    /// <summary>A put too many (<c>putback-not-isolated</c>, <c>double-putback</c>): fewer references than its mappings, pins and caches hold.</summary>
    private bool ShortOfReferences(long id)
    {
        ref readonly var page = ref _mm.PageRef((int)id);
        return page.Refcount < page.Mapcount + page.Pins + (page.Is(PageFlags.File) ? 1 : 0) + (page.Is(PageFlags.SwapCache) ? 1 : 0);
    }

    /// <summary>The page lock is held by the migration helper: the <see cref="Locked"/> bit without another holder's flag.</summary>
    private bool HelperLocked(long id)
    {
        var chunk = _mm.Memory.Locate((int)id, out var row);
        return chunk.IsEnabled<Locked>(row) && !chunk.GetSpan<Page>()[row].Is(PageFlags.LockedByOther);
    }
}
