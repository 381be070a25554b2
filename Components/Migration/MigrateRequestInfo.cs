namespace HmmEcs.Components.Migration;

/// <summary>The request entity of one <c>hmm_vma_migrate</c> call: VMA, page range and target.</summary>
public struct MigrateRequestInfo
{
    /// <summary>Machine-wide VMA id.</summary>
    public int Vma;
    /// <summary>First VMA-relative page.</summary>
    public long Start;
    /// <summary>One past the last page.</summary>
    public long End;
    /// <summary>Target device index, -1 for RAM.</summary>
    public int Target;
}
