using HmmEcs.Engine;

namespace HmmEcs.Devices.Frames;

/// <summary>
/// The machine's RAM: its frames as page entities (ids <c>0..Pages-1</c>) and the allocator that hands them
/// out lowest free first, with 512-aligned runs for huge pages.
/// </summary>
public sealed class SystemRam
{
    internal SystemRam(int pages, int chunkCapacity)
    {
        Pages = pages;
        Run = new EntityRun(chunkCapacity);
        Frames = new FrameBitmap(pages);
    }

    /// <summary>RAM frames.</summary>
    public int Pages { get; }

    /// <summary>Where the frames' page entities live.</summary>
    public EntityRun Run { get; }

    /// <summary>Which frames are allocated.</summary>
    public FrameBitmap Frames { get; }

    /// <summary>Frames allocated.</summary>
    public long Used => Frames.Used;

    /// <summary>Frames free.</summary>
    public long Free => Frames.Free;
}
