using System.Text;

namespace HmmEcs.Cli.Experiments.Tables;

/// <summary>
/// Reads a table that <c>hmmecs plot</c> is given, judged by its content as much as its name: a Parquet file starts
/// with <c>PAR1</c>, and a JSON document (a sweep's manifest, a run document) is refused as what it is rather than
/// read as a one-column CSV. Anything else is read as CSV.
/// </summary>
public static class TableFile
{
    private static readonly byte[] ParquetMagic = "PAR1"u8.ToArray();

    /// <summary>The table at <paramref name="path"/>; a file that is not a CSV or Parquet table is an <see cref="InvalidDataException"/> saying so.</summary>
    public static ResultTable Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path} is a directory, not a table (a sweep writes DIR/sweep.csv and DIR/sweep.parquet)");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"cannot read {path}: no such file");
        }
        if (Output.FileKind.IsStream(path))
        {
            // Read twice (its first bytes, then whole), and a FIFO without a writer would hang the first read.
            throw new InvalidDataException($"{path} is not a regular file (a FIFO, a device or a socket); give the table's file");
        }
        var head = Head(path);
        if (head.AsSpan().StartsWith(ParquetMagic))
        {
            return ParquetTable.Read(path);
        }
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{path} is not a Parquet table (it does not start with PAR1)");
        }
        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith('{') || text.StartsWith('['))
        {
            throw new InvalidDataException($"{path} is not a CSV or Parquet table but JSON (a sweep's tables are sweep.csv and sweep.parquet next to its sweep.json)");
        }
        return CsvTable.Read(path);
    }

    /// <summary>The first bytes of the file, enough for the Parquet signature and the first character of a JSON document after some whitespace.</summary>
    private static byte[] Head(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[256];
        var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer[..n];
    }
}
