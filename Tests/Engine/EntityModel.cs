namespace HmmEcs.Tests.Engine;

/// <summary>What one entity should hold: the oracle the world is checked against.</summary>
internal sealed record EntityModel
{
    public Position? Position { get; set; }
    public Health? Health { get; set; }
    public Name? Name { get; set; }
    public bool Frozen { get; set; }
    public bool MigratePresent { get; set; }
    public bool MigrateOn { get; set; }

    public bool Migrate => MigratePresent && MigrateOn;
}
