namespace HmmEcs.Systems.Workload.Policies;

/// <summary>
/// The policies a workload run consults: eviction order, prefetch, thrashing. The runner takes them as a struct type
/// argument (<c>where TPolicies : struct, IWorkloadPolicies</c>), so its per-access calls (<see cref="Hit"/>,
/// <see cref="Pinned"/>) are direct and inlined, never virtual. The reference engine passes <see cref="PlainPolicies"/>
/// (plain loops over arrays); the ECS engine passes its policy systems over the workload's page entities.
/// Pages are range-relative (0 = the workload's first page).
/// </summary>
public interface IWorkloadPolicies
{
    /// <summary>Whether an eviction policy chooses victims when the device is full.</summary>
    bool Evicts { get; }

    /// <summary>Whether accesses must reach <see cref="Hit"/> (the runner skips the call otherwise).</summary>
    bool WatchesHits { get; }

    /// <summary>Whether <see cref="Prefetch"/> may add pages to a block's helper call.</summary>
    bool Prefetches { get; }

    /// <summary>Whether faults go through <see cref="DetectThrashing"/>.</summary>
    bool DetectsThrashing { get; }

    /// <summary>A device access to <paramref name="page"/> that hit, or a faulted access as its batch is taken.</summary>
    void Hit(int page);

    /// <summary>A fault on <paramref name="page"/> taken from the fault buffer (duplicates included).</summary>
    void Fault(int page);

    /// <summary>A page now on the device joins the eviction order (at its batch's end, in page order); one in it stays.</summary>
    void Join(int page);

    /// <summary>A resident page faulted again (a write to a read-only page): it leaves the order until it joins again.</summary>
    void Leave(int page);

    /// <summary>The batch's joins are done.</summary>
    void EndBatch();

    /// <summary>
    /// Chooses and removes victims in order until there are <paramref name="wanted"/> or none is left; a pre-evicting
    /// policy may take up to a VA block (512 pages) more, which <paramref name="victims"/> has room for. Returns how many.
    /// </summary>
    int TakeVictims(int wanted, Span<int> victims);

    /// <summary>
    /// Marks in <paramref name="wanted"/> the pages of a VA block to migrate beside the faulting ones, given
    /// <paramref name="occupied"/> (on the device or faulting), the faulting pages' offsets <paramref name="faulting"/> and
    /// the block's offsets inside the range, <c>[lo, hi)</c>.
    /// </summary>
    void Prefetch(ReadOnlySpan<bool> occupied, ReadOnlySpan<int> faulting, int lo, int hi, Span<bool> wanted);

    /// <summary>Whether the thrashing policy's pin of <paramref name="page"/> still holds at <paramref name="nowUs"/>.</summary>
    bool Pinned(int page, double nowUs);

    /// <summary>
    /// Records the inward event of each of <paramref name="pages"/> (faulting, not on the device, not pinned) at
    /// <paramref name="tally"/>'s clock and applies the action to those found thrashing: <paramref name="pin"/>[k] true
    /// for a page to serve where it is; a throttle advances the clock once per batch.
    /// </summary>
    void DetectThrashing(ReadOnlySpan<int> pages, Span<bool> pin, ref ThrashTally tally);

    /// <summary>Records the eviction of each of <paramref name="pages"/> at <paramref name="nowUs"/> (thrashing's outward events).</summary>
    void RecordEvictions(ReadOnlySpan<int> pages, double nowUs);
}

/// <summary>What thrashing detection did in a block, and the clock it ran at.</summary>
public struct ThrashTally
{
    /// <summary>The modelled time now, µs; a throttle advances it.</summary>
    public double NowUs;
    /// <summary>Whether the batch already waited for a throttle.</summary>
    public bool ThrottledBatch;
    /// <summary>Thrashing events found.</summary>
    public long Events;
    /// <summary>Pages pinned.</summary>
    public long Pinned;
    /// <summary>Faults throttled.</summary>
    public long Throttled;
    /// <summary>Throttle time added, µs.</summary>
    public double ThrottleUs;

    /// <summary>A throttled fault: the batch waits <paramref name="throttleUs"/> once for its throttled pages, then migrates them.</summary>
    public void Throttle(double throttleUs)
    {
        Throttled++;
        if (!ThrottledBatch)
        {
            ThrottledBatch = true;
            ThrottleUs += throttleUs;
            NowUs += throttleUs;
        }
    }
}
