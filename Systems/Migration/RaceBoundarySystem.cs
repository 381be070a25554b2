using HmmEcs.Engine;
using HmmEcs.Systems.Machine.Races;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Between two phases: hands a call that has races (<see cref="MigrateState.Races"/>) to its hook at
/// <paramref name="boundary"/>, where the machine's front runs the racing operations. A call without races passes through.
/// </summary>
internal sealed class RaceBoundarySystem(World world, RaceBoundary boundary) : BaseSystem<MigrateState>(world)
{
    public override void Update(in MigrateState state) => state.Races?.At(boundary);
}
