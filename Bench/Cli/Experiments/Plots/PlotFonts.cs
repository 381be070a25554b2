using ScottPlot;
using SkiaSharp;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// The font of every picture: the DejaVu Sans bundled in this assembly, whatever the machine has installed, so
/// pictures look the same everywhere (a system's default family can be a serif, and a bare SDK container has
/// none, which left the labels blank). <c>HMMECS_FONT</c> may name a TrueType file to use instead; when
/// neither can be loaded, <see cref="Warning"/> says so.
/// </summary>
public static class PlotFonts
{
    /// <summary>The environment variable naming a .ttf/.otf file for the pictures' text.</summary>
    public const string Variable = "HMMECS_FONT";

    private const string CustomName = "hmmecs-font";

    // Registered once per process: ScottPlot's font registry is process-wide.
    private static readonly Lazy<(string? Family, string? Warning)> Resolved = new(Resolve);

    /// <summary>A one-line warning when the pictures cannot use the bundled font (or <c>HMMECS_FONT</c>), else null.</summary>
    public static string? Warning => Resolved.Value.Warning;

    /// <summary>The family name the pictures' text is set in, or null when no font file could be loaded.</summary>
    public static string? Family => Resolved.Value.Family;

    /// <summary>Sets every text of the plot (title, axis labels, ticks, legend) to the pictures' font.</summary>
    public static void Apply(Plot plot)
    {
        if (Resolved.Value.Family is { } family)
        {
            plot.Font.Set(family);
            plot.Legend.FontName = family;
        }
    }

    /// <summary>The pictures' font for a label made after <see cref="Apply(Plot)"/> (a bar's value label).</summary>
    public static void Apply(LabelStyle label)
    {
        if (Resolved.Value.Family is { } family)
        {
            label.FontName = family;
        }
    }

    private static (string?, string?) Resolve()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path)
        {
            if (File.Exists(path))
            {
                Fonts.AddFontFile(CustomName, path);
                return (CustomName, null);
            }
            return ExtractBundledFont() is not null
                ? (CustomName, $"{Variable}={path}: no such file; using the bundled DejaVu Sans")
                : (null, $"{Variable}={path}: no such file, and the bundled font could not be loaded");
        }
        if (ExtractBundledFont() is not null)
        {
            return (CustomName, null);
        }
        // With no font files Skia still reports one family, an empty one: its default typeface has no glyphs.
        return SKTypeface.Default.GlyphCount != 0
            ? (null, "the bundled DejaVu Sans could not be loaded; using the system's default font")
            : (null, $"the bundled font could not be loaded and this machine has none, so the pictures will have no text: set {Variable}=/path/to/font.ttf");
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
