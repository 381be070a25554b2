using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

/// <summary>The sweep table's columns are a contract (docs/experiments.md): names, order and types.</summary>
public sealed class MigrateRowsTests
{
    [Fact]
    public void ColumnsKeepTheirNamesOrderAndTypes()
    {
        var columns = MigrateRows.Columns([SweepParameter.Parse("devices[0].maxBatchPages=2,8"), SweepParameter.Parse("seed=1..2")]);
        TableColumn I(string n) => new(n, ColumnKind.Int64);
        TableColumn[] expected =
        [
            I("run"), new("scenario", ColumnKind.String), new("engine", ColumnKind.String), I("seed"),
            I("devices[0].maxBatchPages"), I("set.seed"),
            I("step"), I("iteration"), I("inner"), I("requested"), I("migrated"),
            I("reasons.hole"), I("reasons.swap"), I("reasons.already-on-target"), I("reasons.device-immovable"), I("reasons.compound"),
            I("reasons.locked"), I("reasons.pinned"), I("reasons.isolate"), I("reasons.unmap"), I("reasons.alloc"),
            I("reasons.file-unaddressable"), I("reasons.migrate-page"),
            I("tlbFlushes"), I("copy.pages"), I("copy.bytes"), I("copy.batches"), new("copy.deviceTimeUs", ColumnKind.Double),
            new("wallMs", ColumnKind.Double), new("error", ColumnKind.String), I("expectFailures"), I("runOk"),
        ];
        Assert.Equal(expected, columns);
        Assert.Equal(
            ["run", "scenario", "engine", "seed", "step", "iteration", "inner", "requested", "migrated", "tlbFlushes", "wallMs", "error", "expectFailures", "runOk"],
            MigrateRows.FixedNames);
    }

    [Theory]
    [InlineData("copy.deviceTimeUs", "device time of the copy (µs)")]
    [InlineData("reasons.pinned", "not migrated: pinned (pages)")]
    [InlineData("wallMs", "wall time (ms)")]
    [InlineData("copy.batches", "copy batches (commands)")]
    [InlineData("devices[0].maxBatchPages", "devices[0].maxBatchPages")]
    [InlineData("engine", "engine")]
    public void AxisTitlesComeFromTheRegistryForResultColumns(string column, string title) =>
        Assert.Equal(title, MigrateRows.AxisTitle(column));
}
