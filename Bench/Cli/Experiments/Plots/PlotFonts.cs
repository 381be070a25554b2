using ScottPlot;
using SkiaSharp;

namespace HmmEcs.Cli.Experiments.Plots;

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
        if (SKTypeface.Default.GlyphCount != 0)
        {
            return (null, null);
        }
        return ExtractBundledFont() is { } bundled
            ? (CustomName, null)
            : (null, $"no fonts found on this machine, so the pictures will have no text: install one (e.g. apt-get install fonts-dejavu-core) or set {Variable}=/path/to/font.ttf");
    }

    /// <summary>Registers the DejaVu Sans bundled in this assembly (ScottPlot loads fonts from files, so it goes to a temp file first).</summary>
    private static string? ExtractBundledFont()
    {
        try
        {
            using var stream = typeof(PlotFonts).Assembly.GetManifestResourceStream("hmmecs.DejaVuSans.ttf");
            if (stream is null)
            {
                return null;
            }
            var path = Path.Combine(Path.GetTempPath(), $"hmmecs-DejaVuSans-{stream.Length}.ttf");
            if (!File.Exists(path))
            {
                var partial = path + "." + Environment.ProcessId;
                using (var file = File.Create(partial))
                {
                    stream.CopyTo(file);
                }
                File.Move(partial, path, overwrite: true);
            }
            Fonts.AddFontFile(CustomName, path);
            return path;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
