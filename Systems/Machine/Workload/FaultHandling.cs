namespace HmmEcs.Systems.Machine;

/// <summary>How the driver takes the device's faults (docs/scenarios.md, "workload").</summary>
public enum FaultMode
{
    /// <summary>NVIDIA UVM: up to a batch of faults at once, duplicates filtered, one helper call per 2 MiB VA block.</summary>
    Batched,
    /// <summary>amdgpu SVM: one fault at a time, duplicates of it filtered.</summary>
    Single,
    /// <summary>
    /// NVIDIA UVM's access counters instead of fault-driven migration: faults are batched as <see cref="Batched"/> but
    /// served where the pages are; remote accesses count per region, and a region whose count reaches the threshold
    /// migrates to the device.
    /// </summary>
    AccessCounters,
}

/// <summary>
/// The access counters of <see cref="FaultMode.AccessCounters"/> (UVM's <c>uvm_perf_access_counter_*</c>): a counter
/// per region of <see cref="GranularityPages"/> pages, at most <see cref="Counters"/> regions counted at once, a
/// notification at <see cref="Threshold"/> remote accesses.
/// </summary>
public readonly record struct AccessCounterSettings(long Threshold, long GranularityPages, int Counters)
{
    /// <summary>UVM's defaults: 256 accesses, 2 MiB, 256 counters.</summary>
    public static AccessCounterSettings Uvm { get; } = new(256, 512, 256);
}

/// <summary>
/// The modelled cost of servicing one fault batch, in µs: <see cref="BatchUs"/> once, <see cref="BlockUs"/> per VA
/// block, <see cref="PageUs"/> per serviced page (unmap and mapping updates), plus the copy engine's time for the
/// batch's commands (the copy-engine model of the device).
/// </summary>
public readonly record struct FaultCosts(double BatchUs, double BlockUs, double PageUs);

/// <summary>A <c>workload</c>'s <c>faults</c>: the mode, the batch size, the cost preset's name and its (possibly overridden) costs.</summary>
public sealed record FaultHandling(FaultMode Mode, int BatchSize, string Preset, FaultCosts Costs)
{
    /// <summary>The access counters (<see cref="FaultMode.AccessCounters"/> only; UVM's defaults otherwise unused).</summary>
    public AccessCounterSettings Counters { get; init; } = AccessCounterSettings.Uvm;

    /// <summary>UVM's fault batch size (<c>uvm_perf_fault_batch_count</c>'s default).</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>Batched, 256 faults a batch, the <c>uvm</c> preset.</summary>
    public static FaultHandling Default { get; } = new(FaultMode.Batched, DefaultBatchSize, FaultCostPresets.Uvm, FaultCostPresets.Of(FaultCostPresets.Uvm));
}
