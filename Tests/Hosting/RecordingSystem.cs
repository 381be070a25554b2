using HmmEcs.Components.Memory;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;
using HmmEcs.Systems.Hosting;

namespace HmmEcs.Tests.Hosting;

/// <summary>A host system that records, in a shared log, its name and what it saw of the migrate in flight.</summary>
internal sealed class RecordingSystem(string name, List<string> log) : ISystem<MigrationContext>
{
    private static readonly QueryDescription MigratingPages = new QueryDescription().WithAll<Page, Migrate>();

    public int Initialized { get; private set; }

    /// <summary>Pages tagged <c>Migrate</c> (enabled) when it last ran.</summary>
    public int TaggedMigrate { get; private set; } = -1;

    public int InFlight { get; private set; } = -1;

    public int Collected { get; private set; } = -1;

    public long Migrated { get; private set; } = -1;

    public void Initialize() => Initialized++;

    public void BeforeUpdate(in MigrationContext state)
    {
    }

    public void Update(in MigrationContext state)
    {
        log.Add(name);
        TaggedMigrate = state.World.CountEntities(MigratingPages);
        InFlight = state.InFlight;
        Collected = state.Collected;
        Migrated = state.Migrated;
    }

    public void AfterUpdate(in MigrationContext state)
    {
    }

    public void Dispose()
    {
    }
}
