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
    private readonly PhysicalMemory _memory;

    /// <summary>The driver of device <paramref name="index"/> of <paramref name="memory"/>.</summary>
    public DummyDevice(PhysicalMemory memory, int index, ICopyEngine engine)
    {
        _memory = memory;
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

    /// <summary>The free callback (<c>free_devpage</c>): the page's last reference went; it returns to the device.</summary>
    public void PageFree(int id) => _memory.ReleaseFrame(id);

    /// <summary>The free callback for a caller that holds the page's location.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PageFree(int id, Engine.Chunk chunk, int row, ref Components.Memory.Page page,
        ref Components.Memory.PageContent content, bool clearTags = true) =>
        _memory.ReleaseFrame(id, chunk, row, ref page, ref content, clearTags);
}
