namespace HmmEcs.Systems.Machine;

/// <summary>
/// Mainline's <c>struct migrate_vma</c> less its arrays: the range of a VMA, the call's selection
/// (<c>flags</c>, <c>pgmap_owner</c>) and, the simulator's addition, <see cref="To"/>, the memory the driver's
/// destinations come from. The host owns the <c>src</c>/<c>dst</c> arrays and passes them to each call
/// (<see cref="IMachine.MigrateVmaSetup"/>, docs/hosting.md "The three-call API"); each must hold exactly
/// <see cref="NPages"/> entries.
/// </summary>
public sealed class MigrateVma(string proc, string vma, long start, long end, string to, MigrateSelect? select = null, string? owner = null)
{
    /// <summary>The process.</summary>
    public string Proc { get; } = proc;

    /// <summary>The VMA.</summary>
    public string Vma { get; } = vma;

    /// <summary>First VMA-relative page (<c>start</c>).</summary>
    public long Start { get; } = start;

    /// <summary>One past the last page (<c>end</c>).</summary>
    public long End { get; } = end;

    /// <summary>Where destinations are allocated: a device name or <c>ram</c> (the simulator's driver needs it; the kernel's knows it).</summary>
    public string To { get; } = to;

    /// <summary>The kinds collected (<c>flags</c>); null: <c>system</c> toward a device, both device kinds toward RAM.</summary>
    public MigrateSelect? Select { get; } = select;

    /// <summary>A device whose owner is the call's <c>pgmap_owner</c>; null: the target device's, or any owner toward RAM.</summary>
    public string? Owner { get; } = owner;

    /// <summary><c>npages</c>: pages in the range, the length <c>src</c> and <c>dst</c> must have.</summary>
    public int NPages => End > Start && End - Start <= int.MaxValue ? (int)(End - Start) : 0;

    /// <summary><c>cpages</c>: after setup, the pages and holes still migrating (collected, not restored).</summary>
    public long Cpages { get; internal set; }

    /// <summary>Which of the three calls is due.</summary>
    public MigrateVmaStage Stage { get; internal set; }

    /// <summary>Whether the driver's allocate-and-copy ran for this call.</summary>
    internal bool Allocated { get; set; }
}
