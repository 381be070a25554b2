using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Machine;

/// <summary>
/// A simulated machine (RAM, devices, processes) that runs scenario steps. Two engines implement it — the
/// ECS pipeline and the scalar reference — behind one front layer (<see cref="MachineFront"/>) that resolves
/// names and checks arguments for both, and they must give identical results for every step. An unknown
/// or duplicate name is <see cref="Errno.EINVAL"/> (the scenario loader rejects such files before anything
/// runs). Every method that returns an <see cref="Errno"/> other than <see cref="Errno.None"/> has changed nothing.
/// </summary>
public interface IMachine : IDisposable
{
    /// <summary>The configuration the machine was built from.</summary>
    MachineConfig Config { get; }

    /// <summary>Engine name as results print it: <c>ecs</c> or <c>reference</c>.</summary>
    string EngineName { get; }

    Errno CreateProcess(string name);

    Errno Mmap(string proc, string vma, long pages, VmaKind kind, bool writable, bool thp);

    /// <summary><c>mmap</c> with any protection but <see cref="PageProt.Unmapped"/> (EINVAL), <c>PROT_NONE</c> included.</summary>
    Errno Mmap(string proc, string vma, long pages, VmaKind kind, PageProt prot, bool thp);

    Errno Touch(string proc, string vma, PageRange range, Access access, ulong salt, out FaultCounts faults);

    Errno Fork(string proc, string child);

    /// <summary><c>pin</c> (take true) / <c>unpin</c>: every <paramref name="every"/>-th page, faulted in as by a read touch.</summary>
    Errno Pin(string proc, string vma, PageRange range, int every, bool take, out long pages);

    /// <summary>
    /// <c>pin</c> with <c>longterm</c> (<c>FOLL_LONGTERM</c>, mainline only, else EINVAL): a device-coherent page is
    /// migrated to RAM first, then every selected page is pinned as by <see cref="Pin"/>.
    /// </summary>
    Errno PinLongterm(string proc, string vma, PageRange range, int every, out long pages)
    {
        pages = 0;
        return Errno.EINVAL;
    }

    /// <summary><c>lock</c> (take true) / <c>unlock</c>: another holder takes or releases the page lock.</summary>
    Errno Lock(string proc, string vma, PageRange range, int every, bool take, out long pages);

    Errno SwapOut(string proc, string vma, PageRange range, int every, out long swapped);

    Errno Mprotect(string proc, string vma, bool writable);

    /// <summary>
    /// mprotect of a range: the kernel splits the VMA there, which the simulator keeps as the pages' protection.
    /// EINVAL: a range past the VMA, <see cref="PageProt.Unmapped"/>, a hugetlb range off huge-page boundaries;
    /// ENOMEM: a page of the range is unmapped. Present PTEs and device entries lose their write bit below
    /// <see cref="PageProt.ReadWrite"/>; toward it a shmem page's present PTEs become writable (no write-notify).
    /// </summary>
    Errno Mprotect(string proc, string vma, PageRange range, PageProt prot);

    Errno Munmap(string proc, string vma);

    /// <summary>
    /// munmap of a range: its entries drop their references (as a whole munmap does) and its pages leave every VMA:
    /// an access there is EFAULT. The name stays (a page-cache file stays cached until the name's whole munmap).
    /// EINVAL: a range past the VMA, a hugetlb range off huge-page boundaries.
    /// </summary>
    Errno Munmap(string proc, string vma, PageRange range);

    /// <summary>
    /// mremap with <c>MREMAP_MAYMOVE | MREMAP_FIXED</c>: the range's entries (present, swap and device-private alike)
    /// move to a new VMA <paramref name="newVma"/> of <paramref name="pages"/> pages at its page 0, as move_ptes moves
    /// them; a shorter new VMA unmaps the rest, a longer one has holes beyond. The range leaves its VMA, or with
    /// <paramref name="dontUnmap"/> (<c>MREMAP_DONTUNMAP</c>) stays mapped and empty. EINVAL: names, a range past the
    /// VMA, a VMA that is not private anonymous, <paramref name="dontUnmap"/> with a new size; EFAULT: the range is not
    /// one VMA (an unmapped page, or two protections).
    /// </summary>
    Errno Mremap(string proc, string vma, PageRange range, string newVma, long pages, bool dontUnmap);

    /// <summary>The migration helper. Fills <paramref name="result"/>; EINVAL changes nothing and leaves it zero.</summary>
    Errno Migrate(MigrateRequest request, MigrateResult result);

    Errno Verify(string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, VerifyResult result);

    StatsResult Stats();

    CheckResult Check();

    /// <summary>
    /// <c>device-read</c>: device <paramref name="device"/> reads a range through its mirror of the process's
    /// page table. A page without a live entry takes the fault path (counts in <see cref="DeviceAccessResult.Faults"/>):
    /// faulted through the CPU page table as a read touch would, except that a page on this device is used where
    /// it is, then mirrored read-only or writable as its PTE is. EFAULT (range, immovable page of another device),
    /// ENOMEM (RAM for the faults) change nothing.
    /// </summary>
    Errno DeviceRead(string device, string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, DeviceAccessResult result);

    /// <summary>
    /// <c>device-write</c>: as <see cref="DeviceRead"/> with write access (a read-only entry or PTE takes the fault
    /// path; a COW-shared page is copied), then stores <c>Stamp(salt, i)</c>; the entries end writable.
    /// EPERM for a read-only VMA, changing nothing.
    /// </summary>
    Errno DeviceWrite(string device, string proc, string vma, PageRange range, ulong salt, DeviceAccessResult result);

    /// <summary><c>snapshot</c>: counts each page of the range in exactly one state as the device sees the CPU page table, without faulting.</summary>
    Errno Snapshot(string device, string proc, string vma, PageRange range, SnapshotResult result);

    /// <summary>
    /// <c>evict</c>: every page of <paramref name="device"/> goes back to RAM through the migration helper's phases,
    /// every mapping updated; <paramref name="migrated"/> counts the pages moved. ENOMEM, changing nothing, when RAM
    /// lacks a frame for every page the device holds.
    /// </summary>
    Errno Evict(string device, out long migrated);

    /// <summary>
    /// <c>evict</c> with <c>first</c>/<c>count</c>: as <see cref="Evict(string, out long)"/> for the device's pages
    /// <paramref name="pages"/> only (device page numbers; mainline's <c>migrate_device_range</c>, lib/test_hmm.c's
    /// <c>dmirror_device_evict_chunk</c>). EFAULT for a range past the device's pages; ENOMEM when RAM has fewer free frames
    /// than the range has pages in use; both change nothing.
    /// </summary>
    Errno Evict(string device, PageRange pages, out long migrated) =>
        throw new NotSupportedException($"{EngineName}: no evict of a range");

    /// <summary>
    /// <c>workload</c>: device <see cref="WorkloadRequest.Device"/> runs an access stream over a range of a VMA; its
    /// mirror decides hits, and the faults are serviced in batches through the migration helper (docs/scenarios.md,
    /// "workload"). EINVAL (names, a hugetlb or pfnmap VMA), EFAULT (range, an immovable page of another device),
    /// EPERM (writes to a read-only VMA) and ENOMEM (RAM for the range's CPU faults) change nothing.
    /// </summary>
    Errno Workload(WorkloadRequest request, WorkloadResult result);

    /// <summary>
    /// Mainline's <c>migrate_vma_setup</c> (docs/hosting.md, "The three-call API"): collects, locks, isolates and unmaps
    /// the pages of <paramref name="args"/>' range and fills <paramref name="src"/> in <see cref="MigratePfn"/> encoding;
    /// <paramref name="dst"/> is cleared. A PMD-sized unit (<c>select: compound</c>) is one head slot with
    /// <see cref="MigratePfn.Compound"/> and 511 zero slots. EINVAL (nothing changes) outside the <c>mainline</c> profile and for the
    /// arguments <see cref="Migrate"/> refuses. Misuse (a call already open, wrong array lengths) throws.
    /// </summary>
    Errno MigrateVmaSetup(MigrateVma args, Span<ulong> src, Span<ulong> dst) =>
        throw new NotSupportedException($"{EngineName}: no three-call API");

    /// <summary>
    /// The simulator's driver allocating and copying (lib/test_hmm.c's <c>dmirror_migrate_alloc_and_copy</c>): each
    /// <paramref name="src"/> entry with <see cref="MigratePfn.Migrate"/> gets a destination on <see cref="MigrateVma.To"/>
    /// by its allocation rule, holding a copy of the page (a hole's is zero), written to <paramref name="dst"/> with the
    /// source's <see cref="MigratePfn.Write"/> (a unit's destination folio: one head with <see cref="MigratePfn.Compound"/>);
    /// an entry with no room stays 0. A driver declines a page by passing its
    /// entry without <see cref="MigratePfn.Migrate"/>. At most once per call, after setup.
    /// </summary>
    Errno MigrateVmaAllocAndCopy(MigrateVma args, ReadOnlySpan<ulong> src, Span<ulong> dst) =>
        throw new NotSupportedException($"{EngineName}: no three-call API");

    /// <summary>
    /// Mainline's <c>migrate_vma_pages</c>: a page whose <paramref name="dst"/> entry is 0 gives up (reason <c>alloc</c>);
    /// the rest migrate their struct page (holes are mapped). Clears <see cref="MigratePfn.Migrate"/> in
    /// <paramref name="src"/> for every page that gave up. Each non-zero <paramref name="dst"/> entry must be the one the
    /// driver's allocate-and-copy wrote for that slot.
    /// </summary>
    Errno MigrateVmaPages(MigrateVma args, Span<ulong> src, ReadOnlySpan<ulong> dst) =>
        throw new NotSupportedException($"{EngineName}: no three-call API");

    /// <summary>
    /// Mainline's <c>migrate_vma_finalize</c>: migration entries point at the new pages or back at the old ones, locks
    /// drop, unused destinations are freed; <paramref name="result"/> gets the call's counts and per-page outcomes, as
    /// <see cref="Migrate"/> reports them.
    /// </summary>
    Errno MigrateVmaFinalize(MigrateVma args, ReadOnlySpan<ulong> src, ReadOnlySpan<ulong> dst, MigrateResult result) =>
        throw new NotSupportedException($"{EngineName}: no three-call API");

    /// <summary>
    /// Describes pages <c>first..first+dest.Length</c> of a VMA without faulting (for differential tests); throws
    /// <see cref="ArgumentException"/> for an unknown VMA and <see cref="ArgumentOutOfRangeException"/> past its end.
    /// </summary>
    void Inspect(string proc, string vma, long first, Span<PageView> dest);
}
