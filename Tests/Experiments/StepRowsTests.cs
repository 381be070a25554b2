using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

/// <summary>The sweep table's columns are a contract (docs/experiments.md): names, order and types.</summary>
public sealed class StepRowsTests
{
    private static TableColumn I(string n) => new(n, ColumnKind.Int64);

    private static readonly TableColumn[] MigrateFields =
    [
        I("requested"), I("migrated"), I("holesInserted"),
        I("reasons.hole"), I("reasons.swap"), I("reasons.already-on-target"), I("reasons.device-immovable"), I("reasons.compound"),
        I("reasons.locked"), I("reasons.pinned"), I("reasons.isolate"), I("reasons.unmap"), I("reasons.alloc"),
        I("reasons.file-unaddressable"), I("reasons.migrate-page"), I("reasons.not-selected"), I("reasons.file-to-device"), I("reasons.zero-page"),
        I("tlbFlushes"), I("costs.unmapFlushes"), I("costs.invalidations"), I("costs.lruDrainAll"), I("costs.walks"), I("copy.pages"), I("copy.bytes"), I("copy.batches"), new("copy.deviceTimeUs", ColumnKind.Double),
    ];

    [Fact]
    public void ColumnsKeepTheirNamesOrderAndTypes()
    {
        var rows = new StepRows([SweepParameter.Parse("devices[0].maxBatchPages=2,8"), SweepParameter.Parse("seed=1..2")], ["migrate"], ["gpu0"]);
        TableColumn[] expected =
        [
            I("run"), I("repetition"), new("scenario", ColumnKind.String), new("engine", ColumnKind.String), I("seed"),
            I("devices[0].maxBatchPages"), I("set.seed"),
            new("setupMs", ColumnKind.Double), I("step"), I("iteration"), I("inner"), new("op", ColumnKind.String),
            .. MigrateFields,
            new("wallMs", ColumnKind.Double), new("error", ColumnKind.String), I("expectFailures"), new("expectFailureText", ColumnKind.String), I("runOk"),
        ];
        Assert.Equal(expected, rows.Columns);
    }

    [Fact]
    public void EachCountedOpAddsItsFieldsOnceInOrderOfAppearance()
    {
        // touch's faults, pin's pages, then migrate's; evict's "migrated" is migrate's column; verify's per-device keys follow the devices.
        var rows = new StepRows([], ["process", "mmap", "touch", "pin", "migrate", "evict", "verify", "touch"], ["gpu0", "gpu1"]);
        var names = rows.Columns.Select(c => c.Name).ToList();
        var result = names[(names.IndexOf("op") + 1)..names.IndexOf("wallMs")];
        Assert.Equal(
        [
            "faults.new", "faults.swap", "faults.device", "faults.cow", "pages",
            .. MigrateFields.Select(c => c.Name),
            "checked", "mismatches", "resident.hole", "resident.ram", "resident.swap", "resident.zero", "resident.gpu0", "resident.gpu1",
        ], result);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Theory]
    [InlineData("copy.deviceTimeUs", "device time of the copy (µs)")]
    [InlineData("reasons.pinned", "not migrated: pinned (pages)")]
    [InlineData("wallMs", "wall time (ms)")]
    [InlineData("copy.batches", "copy batches (commands)")]
    [InlineData("faults.new", "new-page faults (pages)")]
    [InlineData("resident.gpu0", "resident on gpu0 (pages)")]
    [InlineData("devices[0].maxBatchPages", "devices[0].maxBatchPages")]
    [InlineData("engine", "engine")]
    public void AxisTitlesComeFromTheRegistryForResultColumns(string column, string title)
    {
        var table = new ResultTable([I("run"), I("resident.gpu0"), I("devices[0].maxBatchPages")]);
        Assert.Equal(title, StepRows.ForTable(table).AxisTitle(column));
    }
}
