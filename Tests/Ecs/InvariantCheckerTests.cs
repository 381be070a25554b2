using HmmEcs.Components.Memory;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Ecs;

/// <summary>The checker finds what it claims to find.</summary>
public class InvariantCheckerTests
{
    private static EcsMachine Written()
    {
        var m = MachineDsl.Machine(4096, new DeviceConfig("gpu0", 64));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 16, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 3);
        m.AssertClean();
        return m;
    }

    private static ref Page FirstAllocated(EcsMachine m, out Chunk chunk, out int row)
    {
        foreach (var c in m.World.Query(new QueryDescription().WithAll<Page>()))
        {
            var pages = c.GetSpan<Page>();
            for (var r = 0; r < pages.Length; r++)
            {
                if (pages[r].Is(PageFlags.Allocated))
                {
                    chunk = c;
                    row = r;
                    return ref pages[r];
                }
            }
        }
        throw new InvalidOperationException("no allocated page");
    }

    [Fact]
    public void FindsCorruptedContent()
    {
        using var m = Written();
        FirstAllocated(m, out var chunk, out var row);
        chunk.GetSpan<PageContent>()[row].Value ^= 1;
        Assert.Contains(m.Check().Details, d => d.Contains("content"));
    }

    [Fact]
    public void FindsWrongMapcountAndRefcount()
    {
        using var m = Written();
        FirstAllocated(m, out _, out _).Mapcount++;
        var details = m.Check().Details;
        Assert.Contains(details, d => d.Contains("mapcount"));
        Assert.Contains(details, d => d.Contains("refcount"));
    }

    [Fact]
    public void FindsLeftoverMigrateTagAndHelperLock()
    {
        using var m = Written();
        FirstAllocated(m, out var chunk, out var row);
        chunk.SetEnabled<Migrate>(row, true);
        chunk.SetEnabled<Locked>(row, true);
        var details = m.Check().Details;
        Assert.Contains(details, d => d.Contains("Migrate"));
        Assert.Contains(details, d => d.Contains("lock bit"));
    }

    [Fact]
    public void FindsPageOffTheLru()
    {
        using var m = Written();
        FirstAllocated(m, out _, out _).Flags &= ~PageFlags.Lru;
        Assert.Contains(m.Check().Details, d => d.Contains("LRU"));
    }
}
