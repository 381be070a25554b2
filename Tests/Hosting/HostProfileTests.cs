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
    [InlineData("ecs")]
    [InlineData("reference")]
    public void TheMainlineProfileRuns(string engine)
    {
        using var sim = HostSimulation.FromConfig(new MachineConfig(64, Profile: SemanticsProfile.Mainline), engine).Process("p");
        Assert.Equal(SemanticsProfile.Mainline, sim.Profile);
        sim.RunToEnd();
        Assert.True(sim.Finished);
    }

    [Theory]
    [InlineData(SemanticsProfile.V13AsPosted)]
    public void AProfileThatDoesNotRunYetIsRefusedNamingProfile(SemanticsProfile profile)
    {
        var e = Assert.Throws<NotSupportedException>(() => HostSimulation.FromConfig(new MachineConfig(64, Profile: profile)));
        Assert.StartsWith("profile: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("not implemented yet", e.Message, StringComparison.Ordinal);
        var s = Assert.Throws<ScenarioException>(() => HostSimulation.FromJson(Json, profile: profile));
        Assert.StartsWith("profile: ", s.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOverrideReplacesTheFilesProfile()
    {
        using var sim = HostSimulation.FromJson(Json.Replace("\"v13\"", "\"mainline\"", StringComparison.Ordinal), profile: SemanticsProfile.V13);
        Assert.Equal(SemanticsProfile.V13, sim.Profile);
    }
}
