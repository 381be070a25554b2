namespace HmmEcs.Systems.Machine;

/// <summary>What a <c>workload</c> migrates beside the faulting pages of a VA block (<c>prefetch</c>).</summary>
public enum PrefetchPolicyKind
{
    /// <summary>Only the faulting pages.</summary>
    None,
    /// <summary>The whole 64 KiB (16-page) group of each faulting page (UVMSmart's sequential-local).</summary>
    SequentialLocal,
    /// <summary>
    /// Tree-based density (NVIDIA UVM's prefetcher, UVMSmart's TBN): the 2 MiB block as a binary tree of 64 KiB leaves;
    /// a faulting page's leaf is filled, and the largest subtree above it more than 51% occupied is filled whole.
    /// </summary>
    Tree,
}
