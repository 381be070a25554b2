namespace HmmEcs.Systems.Machine;

/// <summary>How the driver takes the device's faults (docs/scenarios.md, "workload").</summary>
public enum FaultMode
{
    /// <summary>NVIDIA UVM: up to a batch of faults at once, duplicates filtered, one helper call per 2 MiB VA block.</summary>
    Batched,
    /// <summary>amdgpu SVM: one fault at a time, duplicates of it filtered.</summary>
    Single,
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
    /// <summary>UVM's fault batch size (<c>uvm_perf_fault_batch_count</c>'s default).</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>Batched, 256 faults a batch, the <c>uvm</c> preset.</summary>
    public static FaultHandling Default { get; } = new(FaultMode.Batched, DefaultBatchSize, FaultCostPresets.Uvm, FaultCostPresets.Of(FaultCostPresets.Uvm));
}
