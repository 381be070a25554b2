using System.Runtime.InteropServices;
using HmmEcs.Systems.Workload.Streams;

namespace HmmEcs.Systems.Machine;

/// <summary>
/// A <c>trace</c> pattern's recorded accesses: a file or bytes in memory, CSV or binary (docs/scenarios.md,
/// "Traces"). Made by reading the whole trace once, which checks every line and learns its length, its largest page
/// and whether it writes; a workload then streams it again (looping when it runs more accesses than the trace holds),
/// so a trace of any length takes constant memory here.
/// </summary>
public sealed class AccessTrace
{
    private readonly string? _path;
    private readonly byte[]? _bytes;

    private AccessTrace(string name, TraceFormat format, string? path, byte[]? bytes)
    {
        Name = name;
        Format = format;
        _path = path;
        _bytes = bytes;
        using var decoder = Open();
        while (decoder.Next(out var page, out var write))
        {
            Length++;
            HasWrites |= write;
            if (page > MaxPage)
            {
                MaxPage = page;
                MaxPageLine = decoder.Line;
            }
        }
        HasTimes = decoder.HasTimes;
        if (Length == 0)
        {
            throw new TraceFormatException(name, "", 0, "holds no accesses");
        }
    }

    /// <summary>Where the trace came from, for messages: the file's path as given, or a name for bytes in memory.</summary>
    public string Name { get; }

    /// <summary>How the trace is written.</summary>
    public TraceFormat Format { get; }

    /// <summary>The accesses in the trace (at least one).</summary>
    public long Length { get; }

    /// <summary>The largest page any access names: the workload's range must be larger.</summary>
    public long MaxPage { get; } = -1;

    /// <summary>The line (CSV) or record (binary) where <see cref="MaxPage"/> first appears.</summary>
    public long MaxPageLine { get; }

    /// <summary>Whether any access writes.</summary>
    public bool HasWrites { get; }

    /// <summary>Whether the accesses carry times (checked nondecreasing, otherwise not used by the model).</summary>
    public bool HasTimes { get; }

    /// <summary>The format a file's extension names (<c>.csv</c>, <c>.bin</c>), or null for any other.</summary>
    public static TraceFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => TraceFormat.Csv,
        ".bin" => TraceFormat.Binary,
        _ => null,
    };

    /// <summary>
    /// The trace in file <paramref name="path"/> (named <paramref name="name"/> in messages, the path by default), read and checked whole; a bad line is a <see cref="TraceFormatException"/>,
    /// an unreadable file an <see cref="IOException"/> (or <see cref="UnauthorizedAccessException"/>).
    /// </summary>
    public static AccessTrace FromFile(string path, TraceFormat format, string? name = null) => new(name ?? path, format, path, null);

    /// <summary>A trace held in memory (a host needs no file), read and checked whole; the bytes are copied unless they are a whole array.</summary>
    public static AccessTrace FromBytes(ReadOnlyMemory<byte> bytes, TraceFormat format, string name = "trace in memory")
    {
        var array = MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();
        return new AccessTrace(name, format, null, array);
    }

    /// <summary>A trace of the accesses <paramref name="pages"/>, each a write where <paramref name="writes"/> says, in memory (binary, 8 bytes each).</summary>
    public static AccessTrace FromAccesses(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, string name = "trace in memory")
    {
        if (pages.Length != writes.Length)
        {
            throw new ArgumentException($"{pages.Length} pages but {writes.Length} kinds", nameof(writes));
        }
        using var bytes = new MemoryStream(TraceBinary.HeaderBytes + 8 * pages.Length);
        TraceBinary.WriteHeader(bytes, times: false);
        for (var i = 0; i < pages.Length; i++)
        {
            TraceBinary.WriteRecord(bytes, pages[i], writes[i], times: false);
        }
        return new AccessTrace(name, TraceFormat.Binary, null, bytes.ToArray());
    }

    /// <summary>A reader from the trace's first access.</summary>
    internal TraceDecoder Open()
    {
        Stream stream = _bytes is not null
            ? new MemoryStream(_bytes, writable: false)
            : new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            return new TraceDecoder(stream, Name, Format);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Format}, {Length} accesses, pages up to {MaxPage}{(HasWrites ? ", writes" : "")})";
}
