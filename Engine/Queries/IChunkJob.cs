namespace HmmEcs.Engine;

/// <summary>A struct job run once per chunk a query selects.</summary>
public interface IChunkJob
{
    /// <summary>Processes <paramref name="chunk"/>; when <paramref name="useMask"/>, only rows set in <paramref name="mask"/> are selected.</summary>
    void Execute(Chunk chunk, ReadOnlySpan<ulong> mask, bool useMask);
}
