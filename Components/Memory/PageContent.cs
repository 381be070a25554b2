namespace HmmEcs.Components.Memory;

/// <summary>
/// The content of a page (RAM frame or device page), 8 bytes, a column of its own beside
/// <see cref="Page"/> in the same archetype: the copy engine streams over this column alone, and the
/// migration phases, which never read content, stream over the 16-byte page rows without it.
/// </summary>
public struct PageContent
{
    /// <summary>The 64-bit stamp in token mode; in bytes mode the payload slot + 1 (0: reads as zero).</summary>
    public ulong Value;

    /// <summary>Bytes mode: the payload slot, -1 when the page reads as zero.</summary>
    public int Payload
    {
        readonly get => (int)Value - 1;
        set => Value = (ulong)(value + 1);
    }
}
