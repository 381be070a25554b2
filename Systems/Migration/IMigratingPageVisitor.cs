using HmmEcs.Components.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>Per-page work of a phase over pages still tagged <c>Migrate</c> (a struct or ref struct, so the call inlines).</summary>
internal interface IMigratingPageVisitor
{
    void Visit(ref Page page, Chunk chunk, int row, int slot);
}
