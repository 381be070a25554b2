using System.Globalization;
using System.Text;

namespace HmmEcs.Cli.Experiments.Tables;

/// <summary>
/// CSV in the invariant culture with a header row (RFC 4180 quoting). A null string is an empty cell; an
/// empty string is <c>""</c>, so a round trip keeps the difference. Doubles use the shortest round-trip form.
/// </summary>
public static class CsvTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/>.</summary>
    public static void Write(ResultTable table, string path)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(table, w);
    }

    /// <summary>Writes <paramref name="table"/> as CSV text to <paramref name="w"/>.</summary>
    public static void Write(ResultTable table, TextWriter w)
    {
        for (var c = 0; c < table.Columns.Count; c++)
        {
            w.Write(c == 0 ? "" : ",");
            w.Write(Quote(table.Columns[c].Name));
        }
        w.Write('\n');
        foreach (var row in table.Rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                w.Write(c == 0 ? "" : ",");
                w.Write(row[c] switch
                {
                    null => "",
                    long l => l.ToString(Inv),
                    double d => d.ToString("R", Inv),
                    string s => s.Length == 0 ? "\"\"" : Quote(s),
                    var o => Quote(Convert.ToString(o, Inv) ?? ""),
                });
            }
            w.Write('\n');
        }
    }

    /// <summary>
    /// Reads a CSV written by <see cref="Write(ResultTable, string)"/> (or any header-first CSV). Column kinds
    /// are inferred from the non-empty cells: all integers → Int64, all numbers → Double, else String (an empty cell is null).
    /// </summary>
    public static ResultTable Read(string path)
    {
        var records = Parse(File.ReadAllText(path));
        if (records.Count == 0)
        {
            throw new InvalidDataException($"{path}: empty CSV (no header row)");
        }
        var header = records[0];
        var columns = new TableColumn[header.Count];
        for (var c = 0; c < header.Count; c++)
        {
            columns[c] = new TableColumn(header[c].Text ?? "", Infer(records, c));
        }
        var table = new ResultTable(columns);
        for (var r = 1; r < records.Count; r++)
        {
            var rec = records[r];
            if (rec.Count != columns.Length)
            {
                throw new InvalidDataException($"{path}: line {r + 1} has {rec.Count} cells, the header has {columns.Length}");
            }
            var row = new object?[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                var text = rec[c].Text;
                row[c] = columns[c].Kind switch
                {
                    ColumnKind.Int64 => text is null ? null : long.Parse(text, Inv),
                    ColumnKind.Double => text is null ? null : double.Parse(text, Inv),
                    _ => text,
                };
            }
            table.Add(row);
        }
        return table;
    }

    private static ColumnKind Infer(List<List<Cell>> records, int c)
    {
        var kind = ColumnKind.Int64;
        var any = false;
        for (var r = 1; r < records.Count; r++)
        {
            if (c >= records[r].Count)
            {
                continue;
            }
            var cell = records[r][c];
            if (cell.Quoted)
            {
                return ColumnKind.String;
            }
            if (cell.Text is null)
            {
                continue; // an empty cell is a null of any kind
            }
            any = true;
            if (kind == ColumnKind.Int64 && !long.TryParse(cell.Text, NumberStyles.Integer, Inv, out _))
            {
                kind = ColumnKind.Double;
            }
            if (kind == ColumnKind.Double && !double.TryParse(cell.Text, NumberStyles.Float, Inv, out _))
            {
                return ColumnKind.String;
            }
        }
        // A column of empty cells only (no error in any row) reads as text.
        return any ? kind : ColumnKind.String;
    }

    private readonly record struct Cell(string? Text, bool Quoted);

    private static List<List<Cell>> Parse(string text)
    {
        var records = new List<List<Cell>>();
        var record = new List<Cell>();
        var cell = new StringBuilder();
        var quoted = false;
        var i = 0;
        var atRecordStart = true;
        while (i < text.Length)
        {
            var ch = text[i];
            if (ch == '"' && cell.Length == 0 && !quoted)
            {
                quoted = true;
                i++;
                while (i < text.Length)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            cell.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    cell.Append(text[i++]);
                }
                atRecordStart = false;
                continue;
            }
            if (ch == ',')
            {
                record.Add(Finish(cell, quoted));
                quoted = false;
                atRecordStart = false;
                i++;
                continue;
            }
            if (ch is '\n' or '\r')
            {
                if (!atRecordStart || record.Count > 0)
                {
                    record.Add(Finish(cell, quoted));
                    records.Add(record);
                    record = [];
                }
                quoted = false;
                atRecordStart = true;
                i += ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                continue;
            }
            cell.Append(ch);
            atRecordStart = false;
            i++;
        }
        if (!atRecordStart || record.Count > 0)
        {
            record.Add(Finish(cell, quoted));
            records.Add(record);
        }
        return records;
    }

    private static Cell Finish(StringBuilder cell, bool quoted)
    {
        var text = cell.Length == 0 && !quoted ? null : cell.ToString();
        cell.Clear();
        return new Cell(text, quoted);
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 || (s.Length > 0 && (s[0] == ' ' || s[^1] == ' '))
            ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : s;
}
