using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace HmmEcs.Cli.Experiments.Tables;

/// <summary>
/// CSV in the invariant culture with a header row (RFC 4180 quoting), read and written through Sep. A null string
/// is an empty cell; an empty string is <c>""</c>, so a round trip keeps the difference. Doubles use the shortest
/// round-trip form.
/// </summary>
public static class CsvTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // Sep's default separator is ';' and its reader can guess one; our files are always comma-separated.
    private static readonly Sep Comma = Sep.New(',');

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/>.</summary>
    public static void Write(ResultTable table, string path)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(table, w);
    }

    /// <summary>Writes <paramref name="table"/> as CSV text to <paramref name="w"/>, each record ended by <c>\n</c>.</summary>
    public static void Write(ResultTable table, TextWriter w)
    {
        // Sep ends rows with TextWriter.WriteLine; the files are the same bytes on every platform only with '\n'.
        var newLine = w.NewLine;
        w.NewLine = "\n";
        try
        {
            // Escape stays off: Sep's escaping quotes only separators, quotes and line breaks, but the reader must
            // also tell "" from a null and " 5" from the number 5, so Quote decides and Sep writes the text as is.
            // The header goes out as the first row: Sep's own header would key the columns by name.
            using var writer = Comma.Writer(o => o with { WriteHeader = false, CultureInfo = Inv }).To(w, leaveOpen: true);
            using (var header = writer.NewRow())
            {
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    header[c].Set(Quote(table.Columns[c].Name));
                }
            }
            foreach (var cells in table.Rows)
            {
                using var row = writer.NewRow();
                for (var c = 0; c < cells.Length; c++)
                {
                    var col = row[c];
                    switch (cells[c])
                    {
                        case null:
                            col.Set(ReadOnlySpan<char>.Empty);
                            break;
                        case long l:
                            col.Format(l);
                            break;
                        case double d:
                            col.Format(d, "R");
                            break;
                        case string s:
                            col.Set(s.Length == 0 ? "\"\"" : Quote(s));
                            break;
                        case var o:
                            col.Set(Quote(Convert.ToString(o, Inv) ?? ""));
                            break;
                    }
                }
            }
        }
        finally
        {
            w.NewLine = newLine;
        }
    }

    /// <summary>
    /// Reads a CSV written by <see cref="Write(ResultTable, string)"/> (or any comma-separated, header-first CSV,
    /// LF or CRLF; blank lines are skipped). Column kinds are inferred from the non-empty cells: all integers →
    /// Int64, all numbers → Double, else String; a quoted cell makes its column String, and a column with no
    /// non-empty cell is String. An empty cell is null.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is empty, or a row's cell count differs from the header's (the message names the line).</exception>
    public static ResultTable Read(string path)
    {
        // Unescape stays off so a cell's quotes are still there to see: they make the difference between "" and a
        // null, and they make a column text. The column count is checked here, to name the line in the message.
        using var reader = Comma.Reader(o => o with { HasHeader = false, DisableColCountCheck = true }).FromFile(path);
        string[]? names = null;
        Inference[] kinds = [];
        var cells = new List<Cell[]>();
        foreach (var row in reader)
        {
            if (row.Span.Length == 0)
            {
                continue;
            }
            if (names is null)
            {
                names = new string[row.ColCount];
                for (var c = 0; c < names.Length; c++)
                {
                    names[c] = Unquote(row[c].Span).Text ?? "";
                }
                kinds = new Inference[names.Length];
                continue;
            }
            if (row.ColCount != names.Length)
            {
                throw new InvalidDataException($"{path}: line {row.LineNumberFrom} has {row.ColCount} cells, the header has {names.Length}");
            }
            var record = new Cell[names.Length];
            for (var c = 0; c < record.Length; c++)
            {
                record[c] = Unquote(row[c].Span);
                kinds[c].See(record[c]);
            }
            cells.Add(record);
        }
        if (names is null)
        {
            throw new InvalidDataException($"{path}: empty CSV (no header row)");
        }
        var columns = new TableColumn[names.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = new TableColumn(names[c], kinds[c].Kind);
        }
        var table = new ResultTable(columns);
        foreach (var record in cells)
        {
            var values = new object?[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                var text = record[c].Text;
                values[c] = columns[c].Kind switch
                {
                    ColumnKind.Int64 => text is null ? null : long.Parse(text, Inv),
                    ColumnKind.Double => text is null ? null : double.Parse(text, Inv),
                    _ => text,
                };
            }
            table.Add(values);
        }
        return table;
    }

    /// <summary>A cell's text (null when empty and unquoted) and whether it was quoted.</summary>
    private readonly record struct Cell(string? Text, bool Quoted);

    /// <summary>The narrowest kind that holds every non-empty cell of a column seen so far.</summary>
    private struct Inference
    {
        private bool _any;
        private bool _notInt;
        private bool _text;

        public readonly ColumnKind Kind => !_any || _text ? ColumnKind.String : _notInt ? ColumnKind.Double : ColumnKind.Int64;

        public void See(Cell cell)
        {
            if (_text)
            {
                return;
            }
            if (cell.Quoted)
            {
                _text = true;
                return;
            }
            if (cell.Text is not { } text)
            {
                return; // an empty cell is a null of any kind
            }
            _any = true;
            if (!_notInt && !long.TryParse(text, NumberStyles.Integer, Inv, out _))
            {
                _notInt = true;
            }
            if (_notInt && !double.TryParse(text, NumberStyles.Float, Inv, out _))
            {
                _text = true;
            }
        }
    }

    /// <summary>
    /// A raw cell as Sep split it, quotes and all: RFC 4180 unescaping (a pair of quotes inside quotes is one quote),
    /// done here because Sep's own unescaping would hide whether the cell was quoted.
    /// </summary>
    private static Cell Unquote(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty || raw[0] != '"')
        {
            return new Cell(raw.IsEmpty ? null : raw.ToString(), false);
        }
        var b = new StringBuilder(raw.Length);
        var inside = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '"')
            {
                b.Append(raw[i]);
            }
            else if (inside && i + 1 < raw.Length && raw[i + 1] == '"')
            {
                b.Append('"');
                i++;
            }
            else
            {
                inside = !inside;
            }
        }
        return new Cell(b.ToString(), true);
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 || (s.Length > 0 && (s[0] == ' ' || s[^1] == ' '))
            ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : s;
}
