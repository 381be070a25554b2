using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Workload.Streams;

/// <summary>
/// Reads a trace's accesses one at a time through a fixed buffer, CSV or binary, checking each as it goes (syntax,
/// times nondecreasing): nothing is allocated per access, and a trace of any length streams in constant memory.
/// </summary>
internal sealed class TraceDecoder : IDisposable
{
    private const int BufferBytes = 1 << 16;

    private readonly Stream _stream;
    private readonly string _name;
    private readonly TraceFormat _format;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private int _pos;
    private int _len;
    private bool _eof;
    // CSV: columns per line once known (2 or 3; 0 before the first line), and whether a header may still come.
    private int _columns;
    private bool _headerAllowed = true;
    private bool _columnsFromHeader;
    // Binary: bytes per record.
    private readonly int _recordBytes;
    private long _lastTime = long.MinValue;

    public TraceDecoder(Stream stream, string name, TraceFormat format)
    {
        _stream = stream;
        _name = name;
        _format = format;
        if (format == TraceFormat.Binary)
        {
            Fill(TraceBinary.HeaderBytes);
            if (_len < TraceBinary.HeaderBytes || !_buffer.AsSpan(0, 8).SequenceEqual(TraceBinary.Magic))
            {
                throw Whole("not a binary trace: it does not start with the 16-byte \"HMMTRACE\" header (docs/scenarios.md, \"Traces\")");
            }
            var version = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(8));
            if (version != TraceBinary.Version)
            {
                throw Whole($"binary trace version {version}; this simulator reads version {TraceBinary.Version}");
            }
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(10));
            if ((flags & ~TraceBinary.TimesFlag) != 0 || BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(12)) != 0)
            {
                throw Whole($"binary trace header has unknown flags 0x{flags:x} or nonzero reserved bytes");
            }
            HasTimes = (flags & TraceBinary.TimesFlag) != 0;
            _recordBytes = HasTimes ? 16 : 8;
            _pos = TraceBinary.HeaderBytes;
        }
    }

    /// <summary>The line (CSV) or record (binary) of the last access read, from 1.</summary>
    public long Line { get; private set; }

    /// <summary>Whether the accesses carry times (known once the first access is read for CSV).</summary>
    public bool HasTimes { get; private set; }

    /// <summary>The last access's time, ns (0 without times).</summary>
    public long Time { get; private set; }

    /// <summary>Reads the next access; false at the end of the trace.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Next(out long page, out bool write) =>
        _format == TraceFormat.Binary ? NextRecord(out page, out write) : NextLine(out page, out write);

    public void Dispose() => _stream.Dispose();

    private bool NextRecord(out long page, out bool write)
    {
        if (_len - _pos < _recordBytes)
        {
            Fill(_recordBytes);
            if (_len - _pos < _recordBytes)
            {
                if (_len == _pos)
                {
                    page = 0;
                    write = false;
                    return false;
                }
                throw At(Line + 1, $"truncated: {_len - _pos} of its {_recordBytes} bytes");
            }
        }
        Line++;
        var word = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_pos));
        page = (long)(word & ~TraceBinary.WriteBit);
        write = (word & TraceBinary.WriteBit) != 0;
        if (HasTimes)
        {
            CheckTime(BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(_pos + 8)));
        }
        _pos += _recordBytes;
        return true;
    }

    private bool NextLine(out long page, out bool write)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_pos, _len - _pos).IndexOf((byte)'\n');
            if (newline < 0 && !_eof)
            {
                Fill(_len - _pos + 1);
                newline = _buffer.AsSpan(_pos, _len - _pos).IndexOf((byte)'\n');
                if (newline < 0 && !_eof)
                {
                    throw At(Line + 1, $"longer than {BufferBytes} bytes");
                }
            }
            if (newline < 0 && _pos == _len)
            {
                page = 0;
                write = false;
                return false;
            }
            var end = newline < 0 ? _len : _pos + newline;
            var line = Trim(_buffer.AsSpan(_pos, end - _pos));
            _pos = newline < 0 ? _len : end + 1;
            Line++;
            if (line.IsEmpty || line[0] == (byte)'#')
            {
                continue;
            }
            if (_headerAllowed && !IsDigit(line[0]))
            {
                _headerAllowed = false;
                Header(line);
                continue;
            }
            _headerAllowed = false;
            ParseLine(line, out page, out write);
            return true;
        }
    }

    /// <summary>A header names the columns: <c>page,kind</c> or <c>page,kind,time</c>.</summary>
    private void Header(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line);
        var names = text.Split(',', StringSplitOptions.TrimEntries);
        if (names.Length is < 2 or > 3 || !names[0].Equals("page", StringComparison.OrdinalIgnoreCase)
            || !names[1].Equals("kind", StringComparison.OrdinalIgnoreCase)
            || (names.Length == 3 && !names[2].Equals("time", StringComparison.OrdinalIgnoreCase)))
        {
            throw At(Line, $"\"{Shorten(text)}\" is neither an access (page,kind[,time]) nor the header \"page,kind\" or \"page,kind,time\"");
        }
        _columns = names.Length;
        _columnsFromHeader = true;
        HasTimes = _columns == 3;
    }

    private void ParseLine(ReadOnlySpan<byte> line, out long page, out bool write)
    {
        var comma = line.IndexOf((byte)',');
        if (comma < 0)
        {
            throw At(Line, $"\"{Shorten(line)}\" has one column; an access is page,kind[,time]");
        }
        var pageText = Trim(line[..comma]);
        var rest = line[(comma + 1)..];
        var second = rest.IndexOf((byte)',');
        var kindText = Trim(second < 0 ? rest : rest[..second]);
        var columns = second < 0 ? 2 : 3;
        if (columns == 3 && rest[(second + 1)..].IndexOf((byte)',') >= 0)
        {
            throw At(Line, $"\"{Shorten(line)}\" has more than three columns; an access is page,kind[,time]");
        }
        if (_columns == 0)
        {
            _columns = columns;
            HasTimes = columns == 3;
        }
        else if (columns != _columns)
        {
            throw At(Line, $"has {columns} columns, the trace's {(_columnsFromHeader ? "header" : "first access")} {_columns}: every line has a time or none does");
        }
        page = ParsePage(pageText);
        write = ParseKind(kindText);
        if (columns == 3)
        {
            var timeText = Trim(rest[(second + 1)..]);
            if (!TryDecimal(timeText, out var time))
            {
                throw At(Line, $"time \"{Shorten(timeText)}\" is not a whole number of ns");
            }
            CheckTime(time);
        }
    }

    private long ParsePage(ReadOnlySpan<byte> text)
    {
        var ok = text.Length > 2 && text[0] == (byte)'0' && (text[1] | 0x20) == (byte)'x'
            ? TryHex(text[2..], out var page)
            : TryDecimal(text, out page);
        if (!ok)
        {
            throw At(Line, $"page \"{Shorten(text)}\" is not a decimal or 0x-hex page index (at most 2^63-1)");
        }
        return page;
    }

    private bool ParseKind(ReadOnlySpan<byte> text)
    {
        // r, w, read or write, in either case.
        Span<byte> lower = stackalloc byte[5];
        if (text.Length is >= 1 and <= 5)
        {
            for (var i = 0; i < text.Length; i++)
            {
                lower[i] = (byte)(text[i] | 0x20);
            }
            var kind = lower[..text.Length];
            if (kind.SequenceEqual("r"u8) || kind.SequenceEqual("read"u8))
            {
                return false;
            }
            if (kind.SequenceEqual("w"u8) || kind.SequenceEqual("write"u8))
            {
                return true;
            }
        }
        throw At(Line, $"kind \"{Shorten(text)}\" is not r, w, read or write");
    }

    private void CheckTime(long time)
    {
        if (time < 0)
        {
            throw At(Line, $"time {time} is negative");
        }
        if (time < _lastTime)
        {
            throw At(Line, $"time {time} ns is before the previous access's {_lastTime} ns: times must not decrease");
        }
        _lastTime = time;
        Time = time;
    }

    private static bool TryDecimal(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 19)
        {
            return false;
        }
        ulong v = 0;
        foreach (var c in text)
        {
            if (!IsDigit(c))
            {
                return false;
            }
            v = v * 10 + (ulong)(c - '0');
        }
        value = (long)v;
        return v <= long.MaxValue;
    }

    private static bool TryHex(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 16)
        {
            return false;
        }
        ulong v = 0;
        foreach (var c in text)
        {
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }
            v = (v << 4) | (uint)digit;
        }
        value = (long)v;
        return v <= long.MaxValue;
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        var a = 0;
        var b = s.Length;
        while (a < b && s[a] is (byte)' ' or (byte)'\t')
        {
            a++;
        }
        while (b > a && s[b - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            b--;
        }
        return s[a..b];
    }

    private static string Shorten(ReadOnlySpan<byte> text) => Shorten(Encoding.UTF8.GetString(text));

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>Moves the unread bytes to the front and reads until at least <paramref name="wanted"/> are unread or the stream ends.</summary>
    private void Fill(int wanted)
    {
        if (_pos > 0)
        {
            _buffer.AsSpan(_pos, _len - _pos).CopyTo(_buffer);
            _len -= _pos;
            _pos = 0;
        }
        while (_len < wanted && _len < _buffer.Length && !_eof)
        {
            var n = _stream.Read(_buffer, _len, _buffer.Length - _len);
            if (n == 0)
            {
                _eof = true;
            }
            _len += n;
        }
    }

    private TraceFormatException At(long line, string problem) =>
        new(_name, _format == TraceFormat.Binary ? "record" : "line", line, problem);

    private TraceFormatException Whole(string problem) => new(_name, "", 0, problem);
}
