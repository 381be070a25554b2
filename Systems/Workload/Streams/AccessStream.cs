using System.Runtime.CompilerServices;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Workload.Streams;

/// <summary>
/// The access sequence of a <c>workload</c>: access <c>j</c> (of all streams together; stream <c>s</c> issues
/// <c>s, s + P, s + 2P, …</c>) goes to page <see cref="PageAt"/> of the range and is a write when <see cref="IsWrite"/>
/// says. Both are pure functions of the pattern, the seed and <c>j</c>: the same on both engines, in any issue order.
/// A struct with a switch, not an interface, so the per-access call is direct. A <c>trace</c> is the exception: its
/// accesses come from a <see cref="TraceWindow"/> through <see cref="Next"/>, each once.
/// </summary>
internal readonly struct AccessStream
{
    private readonly AccessPatternKind _kind;
    private readonly long _count;
    private readonly ulong _seed;
    private readonly double _writeFraction;
    // strided: the column length; tiled: width, tile side, tiles across, slots per tile and per tile's reuse, tiles.
    private readonly long _stride;
    private readonly long _rows;
    private readonly long _width;
    private readonly long _tile;
    private readonly long _tilesAcross;
    private readonly long _tileSlots;
    private readonly long _tileRun;
    private readonly long _tiles;
    // tiled gemm: pages per matrix (width²), tile visits per tile of C (2 × tiles across + 1).
    private readonly bool _gemm;
    private readonly long _matrix;
    private readonly long _visitsPerTile;
    // hot-cold: the hot set and the share of accesses it takes; Zipf when _zipf.
    private readonly long _hot;
    private readonly double _hotProbability;
    private readonly bool _zipf;
    private readonly ZipfSampler _sampler;
    // trace: the recorded accesses, read as the streams ask for them.
    private readonly TraceWindow? _trace;

    public AccessStream(AccessPattern pattern, long count, ulong seed, double writeFraction)
    {
        this = default;
        _kind = pattern.Kind;
        _count = count;
        _seed = seed;
        _writeFraction = writeFraction;
        switch (pattern.Kind)
        {
            case AccessPatternKind.Strided:
                _stride = pattern.Stride;
                _rows = (count + pattern.Stride - 1) / pattern.Stride;
                break;
            case AccessPatternKind.HotCold:
                _hot = Math.Clamp((long)Math.Round(count * pattern.HotFraction), 1, count);
                _hotProbability = pattern.HotProbability;
                _zipf = pattern.Zipf > 0;
                if (_zipf)
                {
                    _sampler = new ZipfSampler(count, pattern.Zipf);
                }
                break;
            case AccessPatternKind.Tiled:
                _width = pattern.Width;
                _tile = pattern.Tile;
                _tilesAcross = (pattern.Width + pattern.Tile - 1) / pattern.Tile;
                var rows = (count + pattern.Width - 1) / pattern.Width;
                _tiles = _tilesAcross * ((rows + pattern.Tile - 1) / pattern.Tile);
                _tileSlots = pattern.Tile * pattern.Tile;
                _tileRun = _tileSlots * pattern.Reuse;
                if (pattern.Sweep == TiledSweep.Gemm)
                {
                    // Three square matrices of width × width pages: C's tiles are the tiles across, squared.
                    _gemm = true;
                    _matrix = pattern.Width * pattern.Width;
                    _tiles = _tilesAcross * _tilesAcross;
                    _visitsPerTile = 2 * _tilesAcross + 1;
                }
                break;
            case AccessPatternKind.Trace:
                _trace = new TraceWindow(pattern.Trace ?? throw new ArgumentException("a trace pattern needs its trace", nameof(pattern)));
                break;
        }
    }

    /// <summary>
    /// The page access <paramref name="j"/> goes to and whether it writes: the runner's one call per access, asked once
    /// for each <paramref name="j"/> (a trace hands out each access once).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next(long j, out bool write)
    {
        if (_trace is not null)
        {
            return _trace.Take(j, out write);
        }
        write = IsWrite(j);
        return PageAt(j);
    }

    /// <summary>Closes a trace's file.</summary>
    public void Dispose() => _trace?.Dispose();

    /// <summary>The page (range-relative, in <c>[0, count)</c>) access <paramref name="j"/> goes to (not for a trace: see <see cref="Next"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long PageAt(long j)
    {
        switch (_kind)
        {
            case AccessPatternKind.Stream:
                return j % _count;
            case AccessPatternKind.Strided:
            {
                // Column c (offset c within each stride) top to bottom, then column c + 1; past the end folds back.
                var t = j % (_rows * _stride);
                return ((t % _rows) * _stride + t / _rows) % _count;
            }
            case AccessPatternKind.Random:
                return Mix.Below(Mix.Draw(_seed, j, 1), _count);
            case AccessPatternKind.HotCold:
            {
                if (_zipf)
                {
                    return _sampler.Sample(_seed, j) - 1;
                }
                var hot = Mix.Unit(Mix.Draw(_seed, j, 2)) < _hotProbability || _hot == _count;
                var bits = Mix.Draw(_seed, j, 1);
                return hot ? Mix.Below(bits, _hot) : _hot + Mix.Below(bits, _count - _hot);
            }
            case AccessPatternKind.Tiled when _gemm:
            {
                // Visit v of tile t of C (row-major): A(I,K) and B(K,J) alternately for K = 0.., then C(I,J).
                var visit = j / _tileRun;
                var t = visit / _visitsPerTile % _tiles;
                var v = visit % _visitsPerTile;
                long tileRow, tileCol, matrix;
                if (v == _visitsPerTile - 1)
                {
                    (matrix, tileRow, tileCol) = (2, t / _tilesAcross, t % _tilesAcross);
                }
                else if ((v & 1) == 0)
                {
                    (matrix, tileRow, tileCol) = (0, t / _tilesAcross, v >> 1);
                }
                else
                {
                    (matrix, tileRow, tileCol) = (1, v >> 1, t % _tilesAcross);
                }
                var slot = j % _tileSlots;
                var row = tileRow * _tile + slot / _tile;
                var col = tileCol * _tile + slot % _tile;
                // A tile past the matrix's right or bottom edge folds back into its matrix; past the range's end, into the range.
                return (matrix * _matrix + (row * _width + col) % _matrix) % _count;
            }
            default:
            {
                // Tiles in row-major order, each swept `reuse` times, its slots row-major; a slot past the
                // matrix's right edge or end folds back into the range.
                var tile = j / _tileRun % _tiles;
                var slot = j % _tileSlots;
                var row = (tile / _tilesAcross) * _tile + slot / _tile;
                var col = (tile % _tilesAcross) * _tile + slot % _tile;
                return (row * _width + col) % _count;
            }
        }
    }

    /// <summary>Whether access <paramref name="j"/> writes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsWrite(long j) => _writeFraction > 0 && Mix.Unit(Mix.Draw(_seed, j, 3)) < _writeFraction;
}
