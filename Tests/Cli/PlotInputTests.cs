using HmmEcs.Tests.Experiments;

namespace HmmEcs.Tests.Cli;

/// <summary><c>hmmecs plot</c> given something other than a table, or a directory for <c>--out</c>: exit 2 with what it is, nothing written.</summary>
public sealed class PlotInputTests : ExperimentFiles
{
    private string Sweep()
    {
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1", "--out", At("sw"), "--jobs", "1"));
        return At("sw");
    }

    private void RefusedWith(string message, params string[] args)
    {
        Assert.Equal(2, Hmmecs(["plot", .. args]));
        Assert.Equal($"hmmecs plot: {message}", Err.ToString().TrimEnd());
        Assert.Equal("", Out.ToString());
    }

    [Theory]
    [InlineData("sweep.json")]
    [InlineData("runs/run-00000.json")]
    public void AJsonDocumentIsNotATable(string name)
    {
        var file = Path.Combine(Sweep(), name);
        RefusedWith($"{file} is not a CSV or Parquet table but JSON (a sweep's tables are sweep.csv and sweep.parquet next to its sweep.json)",
            file, "--x", "seed", "--y", "migrated", "--out", At("p.png"));
        Assert.False(File.Exists(At("p.png")));
    }

    [Fact]
    public void ADirectoryIsNotATable()
    {
        var dir = Sweep();
        RefusedWith($"{dir} is a directory, not a table (a sweep writes DIR/sweep.csv and DIR/sweep.parquet)", dir, "--x", "seed", "--y", "migrated", "--out", At("p.png"));
    }

    [Fact]
    public void AParquetNameOnOtherContentIsRefusedAndParquetContentIsReadWhateverItsName()
    {
        var dir = Sweep();
        var fake = At("fake.parquet");
        File.Copy(Path.Combine(dir, "sweep.csv"), fake);
        RefusedWith($"{fake} is not a Parquet table (it does not start with PAR1)", fake, "--x", "seed", "--y", "migrated", "--out", At("p.png"));
        var renamed = At("really-parquet.csv");
        File.Copy(Path.Combine(dir, "sweep.parquet"), renamed);
        Assert.Equal(0, Hmmecs("plot", renamed, "--x", "seed", "--y", "migrated", "--out", At("p.png")));
        Assert.True(File.Exists(At("p.png")));
    }

    [Fact]
    public void AnOutputThatIsADirectoryIsRefusedBeforeTheTableIsRead()
    {
        var dir = Sweep();
        RefusedWith($"--out {dir} is a directory; give the PNG file to write", Path.Combine(dir, "sweep.csv"), "--x", "seed", "--y", "migrated", "--out", dir);
    }
}
