using ScottPlot;
using SkiaSharp;

namespace HmmEcs.Bench.Experiments.Plots;

/// <summary>
/// The font of every picture. Skia's self-contained Linux build finds fonts only in the system font folders,
/// and a bare machine (a .NET SDK container) has none, so labels would silently vanish. <c>HMMECS_FONT</c>
/// may name a TrueType file to use; without it and without system fonts, <see cref="Warning"/> says so.
/// </summary>
public static class PlotFonts
{
    /// <summary>The environment variable naming a .ttf/.otf file for the pictures' text.</summary>
    public const string Variable = "HMMECS_FONT";

    private const string CustomName = "hmmecs-font";

    // Registered once per process: ScottPlot's font registry is process-wide.
    private static readonly Lazy<(string? Family, string? Warning)> Resolved = new(Resolve);

    /// <summary>A one-line warning when the pictures will have no text, else null.</summary>
    public static string? Warning => Resolved.Value.Warning;

    /// <summary>Sets the plot's font to <c>HMMECS_FONT</c> when given.</summary>
    public static void Apply(Plot plot)
    {
        if (Resolved.Value.Family is { } family)
        {
            plot.Font.Set(family);
        }
    }

    private static (string?, string?) Resolve()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path)
        {
            if (!File.Exists(path))
            {
                return (null, $"{Variable}={path}: no such file; using the system fonts");
            }
            Fonts.AddFontFile(CustomName, path);
            return (CustomName, null);
        }
        // With no font files Skia still reports one family, an empty one: its default typeface has no glyphs.
        return SKTypeface.Default.GlyphCount == 0
            ? (null, $"no fonts found on this machine, so the pictures will have no text: install one (e.g. apt-get install fonts-dejavu-core) or set {Variable}=/path/to/font.ttf")
            : (null, null);
    }
}
