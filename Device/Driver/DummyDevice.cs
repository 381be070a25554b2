using System.Runtime.CompilerServices;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;

namespace HmmEcs.Devices.Driver;

/// <summary>
/// The dummy device driver (in the spirit of the series' dummy HMM device and lib/test_hmm.c):
/// its memory, the callbacks that migrate into it, the CPU-fault handler that brings a faulting page
/// back to RAM, and the free callback for pages whose last reference went.
/// </summary>
public sealed class DummyDevice
{
    /// <summary>The driver of device <paramref name="index"/> of <paramref name="memory"/>.</summary>
    public DummyDevice(PhysicalMemory memory, int index, ICopyEngine engine)
    {
        Memory = memory.Devices[index];
        MigrateInto = new DummyMigrateOps(memory, engine, index);
        MigrateToRam = new DummyMigrateOps(memory, engine, -1);
    }

    /// <summary>The device's memory.</summary>
    public DeviceMemory Memory { get; }

    /// <summary>Callbacks of a migration into this device.</summary>
    public IMigrateOps MigrateInto { get; }

    /// <summary>Callbacks of a migration of this device's pages back to RAM.</summary>
    public IMigrateOps MigrateToRam { get; }

    /// <summary>
    /// The CPU-fault handler (<c>dev_pagemap.fault</c>): migrates the faulting page back to RAM through
    /// the helper; false when it did not move. Callers check <c>movable</c> first (EFAULT).
    /// </summary>
    public bool Fault(IFaultMigrator kernel, int vma, long index) => kernel.MigrateOne(vma, index, MigrateToRam);

    /// <summary>The CPU-fault handler on a PMD-level entry: the whole folio at VMA page <paramref name="head"/> comes back (test_hmm's <c>dmirror_devmem_fault</c> with a PMD fault).</summary>
    public bool FaultFolio(IFaultMigrator kernel, int vma, long head) => kernel.MigrateFolio(vma, head, MigrateToRam);

    /// <summary>
    /// The free callback (<c>free_devpage</c>): the page's last reference went and the kernel has dropped
    /// its state (<see cref="PhysicalMemory.DropPage(int)"/>); the page returns to the device's allocator.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PageFree(int id) => Memory.Release(id - Memory.FirstId);
}
