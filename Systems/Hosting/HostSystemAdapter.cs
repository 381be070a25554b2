using HmmEcs.Engine;
using HmmEcs.Systems.Migration;

namespace HmmEcs.Systems.Hosting;

/// <summary>Runs a host's <see cref="ISystem{MigrationContext}"/> as a member of the pipeline's group (whose state type is internal).</summary>
internal sealed class HostSystemAdapter(ISystem<MigrationContext> inner) : ISystem<MigrateState>
{
    public void Initialize() => inner.Initialize();

    public void BeforeUpdate(in MigrateState state) => inner.BeforeUpdate(new MigrationContext(state));

    public void Update(in MigrateState state) => inner.Update(new MigrationContext(state));

    public void AfterUpdate(in MigrateState state) => inner.AfterUpdate(new MigrationContext(state));

    public void Dispose() => inner.Dispose();
}
