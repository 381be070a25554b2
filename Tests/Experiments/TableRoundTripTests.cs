using HmmEcs.Cli.Experiments.Tables;
using Parquet;

namespace HmmEcs.Tests.Experiments;

public sealed class TableRoundTripTests : ExperimentFiles
{
    private static ResultTable Sample()
    {
        var t = new ResultTable([new("run", ColumnKind.Int64), new("copy.deviceTimeUs", ColumnKind.Double), new("error", ColumnKind.String), new("steps[4].to", ColumnKind.String)]);
        t.Add([0L, 1019.051, null, "gpu0"]);
        t.Add([long.MaxValue, 0.1 + 0.2, "EINVAL", "a,\"quoted\" name"]);
        t.Add([-3L, 1e-7, "", " padded "]);
        return t;
    }

    [Fact]
    public void CsvKeepsTypesValuesAndNullsInTheInvariantCulture()
    {
        var path = At("t.csv");
        CsvTable.Write(Sample(), path);
        var text = File.ReadAllText(path);
        Assert.StartsWith("run,copy.deviceTimeUs,error,steps[4].to\n", text, StringComparison.Ordinal);
        Assert.Contains("0,1019.051,,gpu0", text);
        var back = CsvTable.Read(path);
        Assert.Equal(Sample().Columns, back.Columns);
        Assert.Equal(Sample().Rows, back.Rows);
    }

    [Fact]
    public void ParquetKeepsTypesValuesAndNulls()
    {
        var path = At("t.parquet");
        ParquetTable.Write(Sample(), path);
        var back = ParquetTable.Read(path);
        Assert.Equal(Sample().Columns, back.Columns);
        Assert.Equal(Sample().Rows, back.Rows);
    }

    [Fact]
    public async Task ParquetHasFlatPhysicalColumnsThatOtherReadersUnderstand()
    {
        var path = At("t.parquet");
        ParquetTable.Write(Sample(), path);
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(["run", "copy.deviceTimeUs", "error", "steps[4].to"], fields.Select(f => f.Name));
        Assert.Equal(typeof(long), fields[0].ClrType);
        Assert.True(fields[0].IsNullable, "a step row has no value for another op's fields: every column is optional");
        Assert.Equal(typeof(double), fields[1].ClrType);
        Assert.All(fields, f => Assert.False(f.IsArray));
        Assert.Equal(1, reader.RowGroupCount);
        using var group = reader.OpenRowGroupReader(0);
        Assert.Equal(3, group.RowCount);
        var runs = new long?[3];
        await group.ReadAsync(fields[0], runs.AsMemory());
        Assert.Equal([0L, long.MaxValue, -3L], runs);
    }

    [Fact]
    public void ARowOfTheWrongShapeIsRefused()
    {
        var t = new ResultTable([new("a", ColumnKind.Int64)]);
        Assert.Throws<ArgumentException>(() => t.Add([1.5]));
        Assert.Throws<ArgumentException>(() => t.Add([1L, 2L]));
        Assert.Throws<ArgumentException>(() => t.Add(["1"]));
        t.Add([null]); // a field the row's op does not have
        Assert.Null(t.Rows[0][0]);
    }

    [Fact]
    public void NumericNullsSurviveCsvAndParquet()
    {
        var t = new ResultTable([new("run", ColumnKind.Int64), new("faults.new", ColumnKind.Int64), new("copy.deviceTimeUs", ColumnKind.Double), new("error", ColumnKind.String)]);
        t.Add([0L, 5L, null, null]);
        t.Add([0L, null, 2.5, "EINVAL"]);
        CsvTable.Write(t, At("n.csv"));
        ParquetTable.Write(t, At("n.parquet"));
        foreach (var back in new[] { CsvTable.Read(At("n.csv")), ParquetTable.Read(At("n.parquet")) })
        {
            Assert.Equal(t.Columns, back.Columns);
            Assert.Equal(t.Rows, back.Rows);
        }
    }
}
