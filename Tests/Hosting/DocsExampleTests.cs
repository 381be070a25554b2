using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using Xunit;

namespace HmmEcs.Tests.Hosting;

/// <summary>The host example of docs/hosting.md, as written there, with checks on what it prints.</summary>
public sealed class DocsExampleTests
{
    [Fact]
    public void FixedRateLoopOfTheDocsRuns()
    {
        var printed = new List<string>();
        var ticks = new List<TickReport>();

        var config = new MachineConfig(RamPages: 200_000, Devices: [new DeviceConfig("gpu0", 70_000)]);
        using var sim = HostSimulation.FromConfig(config, "ecs")
            .Process("p")
            .Mmap("p", "buf", 65_536)
            .Touch("p", "buf", Access.Write, salt: 7)
            .Pin("p", "buf", every: 64)
            .Migrate("p", "buf", "gpu0")
            .Fork("p", "c")
            .Touch("c", "buf", Access.Write, salt: 9, range: new PageRange(0, 4096));

        long migrated = 0;
        long deviceFaults = 0;
        sim.MigrationCompleted += (request, result) => migrated += result.Migrated;
        sim.Faulted += (step, faults) =>
        {
            deviceFaults += faults.Device;
            printed.Add($"{step.Proc}/{step.Vma}: {faults.Device} device faults");
        };

        const int framesPerSecond = 60;
        const long pagesPerFrame = 2048;
        var frames = 0;
        TickReport frame;
        do
        {
            frame = sim.Tick(pagesPerFrame);
            ticks.Add(frame);
            frames++;
        }
        while (!frame.Finished);
        printed.Add($"{migrated} pages migrated in {frames / (double)framesPerSecond:F2} simulated seconds");

        Assert.Equal(65_536 - 1024, migrated);
        Assert.Equal(4096 - 64, deviceFaults);
        // 32 frames of 2048 migrate pages (the first also runs the setup steps), then one for fork and touch.
        Assert.Equal(65_536 / 2048 + 1, frames);
        Assert.All(ticks, t => Assert.True(t.PagesProcessed <= pagesPerFrame));
        Assert.Equal("c/buf: 4032 device faults", printed[1]);
        Assert.Equal("64512 pages migrated in 0.55 simulated seconds", printed[^1]);
    }
}
