using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

public sealed class SweepParameterTests
{
    [Fact]
    public void AnIntegerRangeExpandsWithBothEndsIncluded()
    {
        var p = SweepParameter.Parse("seed=3..6");
        Assert.Equal("seed", p.Path);
        Assert.Equal([3L, 4L, 5L, 6L], p.Values.Select(v => v!.GetValue<long>()));
        Assert.Equal(ColumnKind.Int64, p.ColumnKind);
    }

    [Fact]
    public void ValuesMixListsAndRangesAndKeepTheirOrder()
    {
        var p = SweepParameter.Parse("devices[0].maxBatchPages=512,1..2,64");
        Assert.Equal(["512", "1", "2", "64"], Enumerable.Range(0, p.Values.Count).Select(p.Label));
    }

    [Fact]
    public void BareWordsAreStringsAndNumbersStayNumbers()
    {
        var to = SweepParameter.Parse("steps[4].to=gpu0,ram");
        Assert.Equal(ColumnKind.String, to.ColumnKind);
        Assert.Equal("ram", to.Values[1]!.GetValue<string>());
        var bw = SweepParameter.Parse("devices[0].bandwidthGBps=12,24.5");
        Assert.Equal(ColumnKind.Double, bw.ColumnKind);
        Assert.Equal(24.5, (double)bw.Cell(1)!);
        var quoted = SweepParameter.Parse("name=\"a,b\",c");
        Assert.Equal(["a,b", "c"], quoted.Values.Select(v => v!.GetValue<string>()));
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("=1,2")]
    [InlineData("seed=5..1")]
    [InlineData("seed=1,,2")]
    [InlineData("devices[1x].pages=1")]
    [InlineData("devices[].pages=1")]
    [InlineData("devices..pages=1")]
    public void AMalformedSetIsRefusedNamingIt(string text)
    {
        var e = Assert.Throws<SweepException>(() => SweepParameter.Parse(text));
        Assert.Contains("--set", e.Message);
    }

    [Fact]
    public void SetReplacesNestedValuesAndNamesTheMissingPart()
    {
        var root = JsonNode.Parse("""{ "devices": [ { "name": "g", "pages": 4 } ], "steps": [ { "op": "process" } ] }""")!;
        JsonPath.Set(root, "devices[0].pages", 64);
        JsonPath.Set(root, "seed", 9);
        Assert.Equal(64, root["devices"]![0]!["pages"]!.GetValue<int>());
        Assert.Equal(9, root["seed"]!.GetValue<int>());
        var e = Assert.Throws<SweepException>(() => JsonPath.Set(root, "devices[2].pages", 1));
        Assert.Contains("devices[2].pages", e.Message);
        Assert.Contains("has 1 elements", e.Message);
        // A missing object on the way is made (the loader then judges the file); a missing array element is not.
        JsonPath.Set(root, "ram.pages", 512);
        Assert.Equal(512, root["ram"]!["pages"]!.GetValue<int>());
        e = Assert.Throws<SweepException>(() => JsonPath.Set(root, "extra[0].pages", 1));
        Assert.Contains("extra does not exist, so it has no [0]", e.Message);
        e = Assert.Throws<SweepException>(() => JsonPath.Set(root, "steps[0].op.x", 1));
        Assert.Contains("steps[0].op is not an object", e.Message);
    }

    [Fact]
    public void AStepIdNamesItsStepWhereverItMoves()
    {
        var root = JsonNode.Parse("""{ "steps": [ { "op": "process" }, { "op": "repeat", "id": "loop", "steps": [ { "op": "stats", "id": "s" } ] }, { "op": "pin", "id": "p1", "every": 2 } ] }""")!;
        JsonPath.Set(root, "steps[p1].every", 8);
        JsonPath.Set(root, "steps[loop].steps[s].expect", new JsonObject { ["ram.used"] = 0 });
        Assert.Equal(8, root["steps"]![2]!["every"]!.GetValue<int>());
        Assert.Equal(0, root["steps"]![1]!["steps"]![0]!["expect"]!["ram.used"]!.GetValue<int>());
        var e = Assert.Throws<SweepException>(() => JsonPath.Set(root, "steps[mig].to", "ram"));
        Assert.Contains("steps has no element with \"id\": \"mig\"", e.Message);
    }
}
