namespace HmmEcs.Systems.Machine;

/// <summary>What a <c>workload</c> does with a page found thrashing (<c>thrash.action</c>).</summary>
public enum ThrashAction
{
    /// <summary>Count the thrashing event only; the page migrates as usual.</summary>
    None,
    /// <summary>Keep the page where it is (RAM) and map it into the mirror there for <see cref="ThrashPolicy.PinUs"/>.</summary>
    Pin,
    /// <summary>Delay the page's migration by <see cref="ThrashPolicy.ThrottleUs"/> of modelled time (once per batch).</summary>
    Throttle,
}

/// <summary>
/// Thrashing detection (<c>thrash</c>), as NVIDIA UVM's <c>uvm_perf_thrashing</c>: a page whose migrations in and out
/// come <see cref="Events"/> times in a row, each within <see cref="WindowUs"/> of modelled time of the one before, is
/// thrashing, and <see cref="Action"/> says what then happens to it.
/// </summary>
/// <param name="Events">Consecutive close events that make a page thrashing (UVM: 3).</param>
/// <param name="WindowUs">The most modelled time between two of them (UVM's <c>lapse_usec</c>: 500 µs).</param>
/// <param name="Action">What a thrashing page gets.</param>
/// <param name="PinUs">How long a pinned page stays where it is (UVM: 300 × the window, 150 ms).</param>
/// <param name="ThrottleUs">How long a throttled migration waits (UVM's <c>nap</c>: 1 × the window).</param>
public sealed record ThrashPolicy(int Events, double WindowUs, ThrashAction Action, double PinUs, double ThrottleUs)
{
    /// <summary>UVM's threshold: 3 events.</summary>
    public const int DefaultEvents = 3;

    /// <summary>UVM's lapse: 500 µs.</summary>
    public const double DefaultWindowUs = 500;

    /// <summary>UVM's pin period in windows (300 × lapse).</summary>
    public const double PinWindows = 300;

    /// <summary>UVM's defaults with <paramref name="action"/>: 3 events, 500 µs, pinned 150 ms, throttled 500 µs.</summary>
    public static ThrashPolicy Uvm(ThrashAction action) =>
        new(DefaultEvents, DefaultWindowUs, action, PinWindows * DefaultWindowUs, DefaultWindowUs);
}
