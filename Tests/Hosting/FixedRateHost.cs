using HmmEcs.Systems.Hosting;

namespace HmmEcs.Tests.Hosting;

/// <summary>
/// The sample host: a fixed-rate frame loop (<see cref="FramesPerSecond"/> ticks of <see cref="PagesPerFrame"/> pages
/// per simulated second, no real sleeping) that drives a simulation until it finishes.
/// </summary>
internal sealed class FixedRateHost(HostSimulation simulation, long pagesPerFrame, int framesPerSecond = 60)
{
    public long PagesPerFrame { get; } = pagesPerFrame;
    public int FramesPerSecond { get; } = framesPerSecond;
    public int Frames { get; private set; }
    public long MaxPagesInAFrame { get; private set; }
    public int MigrateCalls { get; private set; }

    /// <summary>Simulated seconds the run took.</summary>
    public double Seconds => (double)Frames / FramesPerSecond;

    /// <summary>Runs frames until the simulation finishes (or <paramref name="maxFrames"/> pass).</summary>
    public void Run(int maxFrames = 1_000_000)
    {
        while (Frames < maxFrames)
        {
            var report = simulation.Tick(PagesPerFrame);
            Frames++;
            MigrateCalls += report.MigrateCalls;
            MaxPagesInAFrame = Math.Max(MaxPagesInAFrame, report.PagesProcessed);
            if (report.Finished)
            {
                return;
            }
        }
    }
}
