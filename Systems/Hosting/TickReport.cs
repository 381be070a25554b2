namespace HmmEcs.Systems.Hosting;

/// <summary>What one <see cref="HostSimulation.Tick"/> did.</summary>
/// <param name="PagesProcessed">Pages of migrate ranges handed to the machine this tick (at most the budget, or one alignment unit).</param>
/// <param name="MigrateCalls">Machine migrate calls (sub-ranges) made this tick.</param>
/// <param name="StepsCompleted">Steps that finished this tick (a migrate spread over ticks counts on the tick that ends it).</param>
/// <param name="Finished">True when every step has run.</param>
public readonly record struct TickReport(long PagesProcessed, int MigrateCalls, int StepsCompleted, bool Finished);
