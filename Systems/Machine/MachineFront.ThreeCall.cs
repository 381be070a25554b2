using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Machine;

// Mainline's three-call API (migrate_vma_setup, the driver's allocate-and-copy, migrate_vma_pages, migrate_vma_finalize):
// the front owns the call's stage and checks every array the host hands back against what the machine gave out.
public abstract partial class MachineFront
{
    private MigrateVma? _openCall;
    private ulong[] _issuedSrc = [];
    private ulong[] _allocatedDst = [];
    private readonly CompoundSlots _compound = new();

    /// <inheritdoc/>
    public Errno MigrateVmaSetup(MigrateVma args, Span<ulong> src, Span<ulong> dst)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Stage is MigrateVmaStage.SetUp or MigrateVmaStage.PagesMigrated)
        {
            throw new InvalidOperationException($"migrate_vma_setup: this call is already set up ({args.Stage}); finalize it first");
        }
        ThrowIfCallOpen("migrate_vma_setup");
        if (Config.Profile != SemanticsProfile.Mainline || !TryVma(args.Proc, args.Vma, out var v) || !TryTarget(args.To, out var target)
            || !Migratable(v) || !FitsVma(args.Start, args.End, v.Pages) || args.NPages == 0
            // As the one call (the test driver's check): every page lies in a mapped, readable part of the VMA.
            || !v.Layout.All(args.Start, args.End - args.Start, PageProt.Read)
            || !TrySelection(new MigrateRequest(args.Proc, args.Vma, default, args.To, default, args.Select, args.Owner), target, out var selection))
        {
            args.Stage = MigrateVmaStage.Idle;
            return Errno.EINVAL;
        }
        CheckLengths("migrate_vma_setup", args, src.Length, dst.Length);
        var n = args.NPages;
        if (_issuedSrc.Length < n)
        {
            _issuedSrc = new ulong[n];
            _allocatedDst = new ulong[n];
        }
        dst.Clear();
        _allocatedDst.AsSpan(0, n).Clear();
        var cpages = MigrateVmaSetupCore(v.Id, args.Start, n, target, selection, src);
        _compound.Open(n);
        args.Cpages = cpages - _compound.EncodeSetup(MigrateVmaUnitsCore(_compound.Slots, _compound.Folio), src);
        src.CopyTo(_issuedSrc);
        args.Allocated = false;
        args.Stage = MigrateVmaStage.SetUp;
        _openCall = args;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno MigrateVmaAllocAndCopy(MigrateVma args, ReadOnlySpan<ulong> src, Span<ulong> dst)
    {
        ThrowIfNotOpen("the driver's alloc_and_copy", args, MigrateVmaStage.SetUp);
        if (args.Allocated)
        {
            throw new InvalidOperationException("the driver's alloc_and_copy: already ran for this call");
        }
        CheckLengths("the driver's alloc_and_copy", args, src.Length, dst.Length);
        for (var k = 0; k < src.Length; k++)
        {
            var issued = _issuedSrc[k];
            if (src[k] == issued || src[k] == (issued & ~MigratePfn.Migrate))
            {
                continue;
            }
            var head = _compound.HeadOf(k);
            throw new ArgumentException(
                head >= 0 ? $"src[{k}] = 0x{src[k]:x}: a slot of the PMD-sized unit whose head is src[{head}] (MIGRATE_PFN_COMPOUND); the 511 slots after a head stay 0"
                : ((src[k] ^ issued) & MigratePfn.Compound) != 0 ? $"src[{k}] = 0x{src[k]:x}: MIGRATE_PFN_COMPOUND differs from what migrate_vma_setup gave (0x{issued:x}); only setup sets it"
                : $"src[{k}] = 0x{src[k]:x}: neither what migrate_vma_setup gave (0x{issued:x}) nor that without MIGRATE_PFN_MIGRATE", nameof(src));
        }
        dst.Clear();
        MigrateVmaAllocAndCopyCore(_compound.ExpandSrc(src), dst);
        _compound.EncodeDst(MigrateVmaUnitsCore(_compound.Slots, _compound.Folio), dst);
        dst.CopyTo(_allocatedDst);
        args.Allocated = true;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno MigrateVmaPages(MigrateVma args, Span<ulong> src, ReadOnlySpan<ulong> dst)
    {
        ThrowIfNotOpen("migrate_vma_pages", args, MigrateVmaStage.SetUp);
        CheckLengths("migrate_vma_pages", args, src.Length, dst.Length);
        // Departure: a kernel driver may hand any locked page it owns; the simulator's destinations come only from its driver.
        for (var k = 0; k < dst.Length; k++)
        {
            if (dst[k] == 0)
            {
                continue;
            }
            var given = _allocatedDst[k];
            if (given == 0 || MigratePfn.ToPfn(dst[k]) != MigratePfn.ToPfn(given))
            {
                throw new ArgumentException($"dst[{k}] = 0x{dst[k]:x}: not the page the driver's alloc_and_copy gave this slot ({(given == 0 ? "none" : $"0x{given:x}")})", nameof(dst));
            }
            if (((dst[k] ^ given) & MigratePfn.Compound) != 0)
            {
                throw new ArgumentException((given & MigratePfn.Compound) != 0
                    ? $"dst[{k}] = 0x{dst[k]:x}: the driver gave this slot a PMD-sized folio (0x{given:x}, MIGRATE_PFN_COMPOUND); hand it back whole or 0"
                    : $"dst[{k}] = 0x{dst[k]:x}: MIGRATE_PFN_COMPOUND on a base page the driver gave (0x{given:x})", nameof(dst));
            }
        }
        _compound.ExpandPages(src, dst);
        MigrateVmaPagesCore(_compound.PageSrc(src.Length), _compound.PageDst(dst.Length));
        _compound.EncodePages(src, dst);
        args.Stage = MigrateVmaStage.PagesMigrated;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno MigrateVmaFinalize(MigrateVma args, ReadOnlySpan<ulong> src, ReadOnlySpan<ulong> dst, MigrateResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (args?.Stage == MigrateVmaStage.Finalized)
        {
            throw new InvalidOperationException("migrate_vma_finalize: this call is already finalized");
        }
        ThrowIfNotOpen("migrate_vma_finalize", args!, MigrateVmaStage.PagesMigrated);
        CheckLengths("migrate_vma_finalize", args!, src.Length, dst.Length);
        result.Findings = null;
        MigrateVmaFinalizeCore(result);
        args!.Stage = MigrateVmaStage.Finalized;
        _openCall = null;
        return Errno.None;
    }

    /// <summary>
    /// Setup's page work over <c>[first, first + count)</c>: collect, lock and isolate, unmap, as a mainline migrate
    /// toward <paramref name="target"/> with <paramref name="select"/>. Fills <paramref name="src"/> (the entry of a page
    /// that gave up after collect keeps its pfn and write bit without MIGRATE; one given up at collect is 0) and returns
    /// <c>cpages</c>. The call stays open in the engine until <see cref="MigrateVmaFinalizeCore"/>.
    /// </summary>
    private protected abstract long MigrateVmaSetupCore(int vma, long first, int count, int target, MigrateSelection select, Span<ulong> src);

    /// <summary>
    /// The open call's PMD-sized units (mainline's <c>select: compound</c>), in ascending slot order: each one's first slot
    /// and whether the driver gave it one destination folio (false before allocate-and-copy). Returns how many.
    /// </summary>
    private protected abstract int MigrateVmaUnitsCore(Span<int> slots, Span<bool> folio);

    /// <summary>The driver's allocate-and-copy for the entries of <paramref name="src"/> with MIGRATE; writes <paramref name="dst"/> (cleared).</summary>
    private protected abstract void MigrateVmaAllocAndCopyCore(ReadOnlySpan<ulong> src, Span<ulong> dst);

    /// <summary>migrate_vma_pages with the host's <paramref name="dst"/> (checked); clears MIGRATE in <paramref name="src"/> for pages that gave up.</summary>
    private protected abstract void MigrateVmaPagesCore(Span<ulong> src, ReadOnlySpan<ulong> dst);

    /// <summary>migrate_vma_finalize; fills <paramref name="result"/> as <see cref="MigrateCore"/> does (the target device's mirror maps what migrated).</summary>
    private protected abstract void MigrateVmaFinalizeCore(MigrateResult result);

    /// <summary>Throws when a three-call migrate is open: nothing else may run on the machine until it is finalized.</summary>
    private protected void ThrowIfCallOpen(string op)
    {
        if (_openCall is not null)
        {
            throw new InvalidOperationException($"{op}: a migrate_vma call over {_openCall.Proc}/{_openCall.Vma} [{_openCall.Start}, {_openCall.End}) is open; call migrate_vma_finalize first");
        }
    }

    private void ThrowIfNotOpen(string op, MigrateVma args, MigrateVmaStage due)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!ReferenceEquals(_openCall, args) || args.Stage != due)
        {
            var why = args.Stage switch
            {
                MigrateVmaStage.Idle => "before migrate_vma_setup",
                MigrateVmaStage.Finalized => "after migrate_vma_finalize",
                MigrateVmaStage.SetUp => "before migrate_vma_pages",
                _ => "after migrate_vma_pages",
            };
            throw new InvalidOperationException($"{op}: called {why}");
        }
    }

    private static void CheckLengths(string op, MigrateVma args, int src, int dst)
    {
        if (src != args.NPages || dst != args.NPages)
        {
            throw new ArgumentException($"{op}: src has {src} entries and dst {dst}; the range [{args.Start}, {args.End}) needs {args.NPages} each");
        }
    }
}
