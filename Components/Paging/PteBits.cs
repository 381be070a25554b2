namespace HmmEcs.Components.Paging;

/// <summary>Permission and tracking bits an entry keeps across conversions.</summary>
[Flags]
public enum PteBits : byte
{
    None = 0,
    Write = 1 << 0,
    SoftDirty = 1 << 1,
}
