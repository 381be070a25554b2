using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Tests.Hosting;

/// <summary>A step added from code has its names checked as the loader checks a file's: at once, naming the step's path.</summary>
public sealed class BuilderNameTests
{
    private static readonly MachineConfig Config = new(4096, Devices: [new DeviceConfig("gpu0", 1024)]);

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void UnknownAndDuplicateNamesAreRejectedWhenAdded(string engine)
    {
        using var sim = HostSimulation.FromConfig(Config, engine);
        AssertRejected(sim, () => sim.Touch("p", "buf", Access.Read), "steps[0].proc: no process 'p' at this point");
        sim.Process("p").Mmap("p", "buf", 64);
        AssertRejected(sim, () => sim.Process("p"), "steps[2].name: process 'p' already exists");
        AssertRejected(sim, () => sim.Mmap("p", "buf", 8), "steps[2].vma: VMA 'buf' already exists in process 'p'");
        AssertRejected(sim, () => sim.Migrate("p", "buf", "gpu-typo"), "steps[2].to: no device 'gpu-typo' (a device name or \"ram\")");
        AssertRejected(sim, () => sim.Verify("p", "nope", VerifyPattern.Zero), "steps[2].vma: process 'p' has no VMA 'nope' at this point");
        AssertRejected(sim, () => sim.Fork("p", "p"), "steps[2].child: process 'p' already exists");
        AssertRejected(sim, () => sim.Add(new DeviceMirrorStep("evict", "steps[2]", [], "gpu1", null, null, PageRange.All, VerifyPattern.Seq, 0)),
            "steps[2].device: no device 'gpu1'");
        sim.Munmap("p", "buf");
        AssertRejected(sim, () => sim.Migrate("p", "buf", "gpu0"), "steps[3].vma: process 'p' has no VMA 'buf' at this point");
        Assert.Equal(3, sim.StepCount);
        sim.RunToEnd();
        Assert.All(sim.Results, r => Assert.Null(r.ErrorName));
    }

    [Fact]
    public void AScenariosNamesCarryIntoStepsAddedLater()
    {
        var scenario = ScenarioLoader.Parse("""
            { "devices": [ { "name": "gpu0", "pages": 64 } ],
              "steps": [ { "op": "process", "name": "p" },
                         { "op": "repeat", "times": 3, "steps": [ { "op": "mmap", "proc": "p", "vma": "a", "pages": 8, "kind": "anon" },
                                                                  { "op": "munmap", "proc": "p", "vma": "a" } ] },
                         { "op": "mmap", "proc": "p", "vma": "b", "pages": 8, "kind": "anon" } ] }
            """, "x");
        using var sim = HostSimulation.FromScenario(scenario, "ecs");
        AssertRejected(sim, () => sim.Touch("p", "a", Access.Read), "steps[3].vma: process 'p' has no VMA 'a' at this point");
        sim.Touch("p", "b", Access.Write, 1);
        // A repeat whose body creates a name fails on its second pass, as in a file.
        var repeat = new RepeatStep("steps[4]", 2, [new ProcessStep("steps[4].steps[0]", [], "q")]);
        AssertRejected(sim, () => sim.Add(repeat), "steps[4].steps[0].name: process 'q' already exists (on the repeat's second pass)");
        sim.Process("q");
        sim.RunToEnd();
        Assert.All(sim.Results, r => Assert.Null(r.ErrorName));
    }

    private static void AssertRejected(HostSimulation sim, Action add, string message)
    {
        var steps = sim.StepCount;
        var e = Assert.Throws<ScenarioException>(add);
        Assert.Equal(message, e.Message);
        Assert.Equal(steps, sim.StepCount);
    }
}
