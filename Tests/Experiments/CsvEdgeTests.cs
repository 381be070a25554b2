using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

/// <summary>The CSV format at its edges, where a library's defaults (escaping, trimming, line ends) could differ from ours.</summary>
public sealed class CsvEdgeTests : ExperimentFiles
{
    private static ResultTable Strings(params string?[] values)
    {
        var t = new ResultTable([new("run", ColumnKind.Int64), new("name", ColumnKind.String)]);
        for (var i = 0; i < values.Length; i++)
        {
            t.Add([(long)i, values[i]]);
        }
        return t;
    }

    private ResultTable RoundTrip(ResultTable t, out string text)
    {
        var path = At("edge.csv");
        CsvTable.Write(t, path);
        text = File.ReadAllText(path);
        return CsvTable.Read(path);
    }

    [Fact]
    public void TheWrittenTextIsExactlyTheFormat()
    {
        var t = new ResultTable([new("run", ColumnKind.Int64), new("us", ColumnKind.Double), new("error", ColumnKind.String), new("a \"b\"", ColumnKind.String)]);
        t.Add([1L, 0.1 + 0.2, null, ""]);
        t.Add([-2L, null, "EINVAL", "x"]);
        RoundTrip(t, out var text);
        Assert.Equal("run,us,error,\"a \"\"b\"\"\"\n1,0.30000000000000004,,\"\"\n-2,,EINVAL,x\n", text);
    }

    [Fact]
    public void QuotesCommasAndLineBreaksInsideAStringSurvive()
    {
        var t = Strings("say \"hi\"", "a,b", "two\nlines", "crlf\r\nlines", "\"", ",", "x\"\"y");
        var back = RoundTrip(t, out var text);
        Assert.Contains("0,\"say \"\"hi\"\"\"\n", text, StringComparison.Ordinal);
        Assert.Contains("2,\"two\nlines\"\n", text, StringComparison.Ordinal);
        Assert.Equal(t.Columns, back.Columns);
        Assert.Equal(t.Rows, back.Rows);
    }

    [Fact]
    public void LeadingAndTrailingSpacesAreQuotedAndKept()
    {
        var t = Strings(" lead", "trail ", " 5 ", "in side");
        var back = RoundTrip(t, out var text);
        Assert.Contains("0,\" lead\"\n", text, StringComparison.Ordinal);
        Assert.Contains("2,\" 5 \"\n", text, StringComparison.Ordinal);
        Assert.Contains("3,in side\n", text, StringComparison.Ordinal);
        Assert.Equal(ColumnKind.String, back.Columns[1].Kind); // " 5 " unquoted would have parsed as the number 5
        Assert.Equal(t.Rows, back.Rows);
    }

    [Fact]
    public void EmptyStringAndNullStayApart()
    {
        var t = Strings("", null, "", null);
        var back = RoundTrip(t, out var text);
        Assert.Equal("run,name\n0,\"\"\n1,\n2,\"\"\n3,\n", text);
        Assert.Equal(t.Rows, back.Rows);
    }

    [Fact]
    public void CrlfInputReadsLikeLf()
    {
        var path = Write("crlf.csv", "run,us,name\r\n1,2.5,a\r\n2,,\"b\r\nc\"\r\n3,4,\r\n");
        var t = CsvTable.Read(path);
        Assert.Equal([new TableColumn("run", ColumnKind.Int64), new TableColumn("us", ColumnKind.Double), new TableColumn("name", ColumnKind.String)], t.Columns);
        Assert.Equal([[1L, 2.5, "a"], [2L, null, "b\r\nc"], [3L, 4.0, null]], t.Rows);
    }

    [Fact]
    public void AFileWithoutAFinalLineBreakOrWithBlankLinesReads()
    {
        var path = Write("blank.csv", "a,b\n1,x\n\n2,y");
        var t = CsvTable.Read(path);
        Assert.Equal([[1L, "x"], [2L, "y"]], t.Rows);
    }

    [Fact]
    public void AHeaderOnlyFileIsAnEmptyTableOfTextColumns()
    {
        var path = Write("header.csv", "run,\"odd, name\"\n");
        var t = CsvTable.Read(path);
        Assert.Equal([new TableColumn("run", ColumnKind.String), new TableColumn("odd, name", ColumnKind.String)], t.Columns);
        Assert.Empty(t.Rows);
    }

    [Fact]
    public void AnEmptyFileIsRefused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => CsvTable.Read(Write("empty.csv", "")));
        Assert.Contains("empty CSV", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARaggedRowIsRefusedNamingItsLine()
    {
        var path = Write("ragged.csv", "a,b\n1,\"two\nlines\"\n3\n");
        var ex = Assert.Throws<InvalidDataException>(() => CsvTable.Read(path));
        Assert.Contains("line 4 has 1 cells, the header has 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KindsAreInferredFromTheNonEmptyCells()
    {
        var path = Write("kinds.csv", "i,d,s,q,e,big\n1,1,x,\"1\",,9223372036854775807\n,2.5,,2,,1e300\n-3,-4,5,,,\n");
        var t = CsvTable.Read(path);
        Assert.Equal(
            [ColumnKind.Int64, ColumnKind.Double, ColumnKind.String, ColumnKind.String, ColumnKind.String, ColumnKind.Double],
            t.Columns.Select(c => c.Kind));
        Assert.Equal([1L, 1.0, "x", "1", null, 9223372036854775807.0], t.Rows[0]);
        Assert.Equal([null, 2.5, null, "2", null, 1e300], t.Rows[1]);
    }
}
