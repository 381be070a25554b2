namespace HmmEcs.Systems.Machine;

/// <summary>
/// The fault-cost presets a <c>workload</c> may name (<c>faults.preset</c>); docs/scenarios.md cites where each
/// constant comes from and which are estimates.
/// </summary>
public static class FaultCostPresets
{
    /// <summary>NVIDIA UVM's batched fault servicing.</summary>
    public const string Uvm = "uvm";

    /// <summary>amdgpu's SVM (kfd_svm), one fault at a time over HMM.</summary>
    public const string Svm = "svm";

    /// <summary>The kernel's test driver (lib/test_hmm.c): no hardware, software costs only.</summary>
    public const string TestHmm = "test_hmm";

    /// <summary>The preset names, in docs order.</summary>
    public static readonly string[] Names = [Uvm, Svm, TestHmm];

    /// <summary>The costs of preset <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public static FaultCosts Of(string name) => name switch
    {
        // A replayable far fault costs 45 µs in UVMSmart (Ganguly et al., ISCA'19); per block and per page: estimates.
        Uvm => new FaultCosts(BatchUs: 45, BlockUs: 10, PageUs: 0.5),
        // Cooper et al. (ICS'24): CPU page-table update, SDMA setup and allocation are ~76% of a fault's cost.
        Svm => new FaultCosts(BatchUs: 25, BlockUs: 15, PageUs: 1.5),
        // A software-only driver: an interrupt-free call into hmm_range_fault and a mirror update.
        TestHmm => new FaultCosts(BatchUs: 2, BlockUs: 1, PageUs: 0.1),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"no fault-cost preset (known: {string.Join(", ", Names)})"),
    };
}
