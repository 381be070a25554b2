using System.Buffers.Binary;

namespace HmmEcs.Systems.Machine;

/// <summary>
/// The binary trace format (docs/scenarios.md, "Traces"): a 16-byte header (<c>HMMTRACE</c>, a little-endian u16
/// version 1, a u16 of flags, bit 0 set when records carry a time, 4 zero bytes), then one little-endian u64 per
/// access, the page in bits 0–62 and bit 63 set for a write, followed (with times) by a u64 time in ns.
/// </summary>
public static class TraceBinary
{
    /// <summary>The header's length in bytes.</summary>
    public const int HeaderBytes = 16;

    /// <summary>The only version so far.</summary>
    public const ushort Version = 1;

    /// <summary>The header's flag: every record is followed by its time.</summary>
    public const ushort TimesFlag = 1;

    /// <summary>Bit 63 of a record: the access writes.</summary>
    public const ulong WriteBit = 1UL << 63;

    /// <summary>The largest page a record can name (bits 0–62).</summary>
    public const long MaxPage = long.MaxValue;

    /// <summary>The header's first eight bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "HMMTRACE"u8;

    /// <summary>Writes the header of a trace whose records carry times when <paramref name="times"/> says.</summary>
    public static void WriteHeader(Stream to, bool times)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], times ? TimesFlag : (ushort)0);
        to.Write(header);
    }

    /// <summary>Writes one record (with a time when the header said so; <paramref name="timeNs"/> is ignored otherwise).</summary>
    public static void WriteRecord(Stream to, long page, bool write, bool times, long timeNs = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        Span<byte> record = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)page | (write ? WriteBit : 0));
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], timeNs);
        to.Write(record[..(times ? 16 : 8)]);
    }
}
