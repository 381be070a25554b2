using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;
using Xunit;

namespace HmmEcs.Tests.Hosting;

/// <summary>The semantics profile on the host API: <see cref="MachineConfig.Profile"/> and the loaders' override.</summary>
public sealed class HostProfileTests
{
    private const string Json = """{ "profile": "v13", "steps": [ { "op": "process", "name": "p" } ] }""";

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void TheDefaultProfileIsV13AndRuns(string engine)
    {
        using var sim = HostSimulation.FromConfig(new MachineConfig(64), engine).Process("p");
        Assert.Equal(SemanticsProfile.V13, sim.Profile);
        sim.RunToEnd();
        Assert.True(sim.Finished);
    }

    [Theory]
    [InlineData("ecs", SemanticsProfile.Mainline)]
    [InlineData("reference", SemanticsProfile.Mainline)]
    [InlineData("ecs", SemanticsProfile.V13AsPosted)]
    [InlineData("reference", SemanticsProfile.V13AsPosted)]
    public void EveryProfileRuns(string engine, SemanticsProfile profile)
    {
        using var sim = HostSimulation.FromConfig(new MachineConfig(64, Profile: profile), engine).Process("p");
        Assert.Equal(profile, sim.Profile);
        sim.RunToEnd();
        Assert.True(sim.Finished);
    }

    [Fact]
    public void TheOverrideReplacesTheFilesProfile()
    {
        using var sim = HostSimulation.FromJson(Json.Replace("\"v13\"", "\"mainline\"", StringComparison.Ordinal), profile: SemanticsProfile.V13);
        Assert.Equal(SemanticsProfile.V13, sim.Profile);
    }
}
