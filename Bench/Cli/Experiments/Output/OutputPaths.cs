namespace HmmEcs.Cli.Experiments.Output;

/// <summary>
/// Checks that an output can be written before any work starts: a run of minutes must not end in "cannot write".
/// A check creates the missing parent folders and writes and removes a probe file beside the target; the target
/// itself is not touched (an earlier good result stays until the new one replaces it whole).
/// </summary>
public static class OutputPaths
{
    /// <summary>Null when a file can be written at <paramref name="path"/>, else why not.</summary>
    public static string? FileProblem(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                return $"{path} is a directory";
            }
            var dir = Path.GetDirectoryName(full);
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }
            Probe(full + AtomicFile.TemporarySuffix);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot write {path}: {e.Message.ReplaceLineEndings(" ")}";
        }
    }

    /// <summary>Null when files can be written in the directory <paramref name="dir"/> (made if missing), else why not.</summary>
    public static string? DirectoryProblem(string dir)
    {
        try
        {
            if (File.Exists(dir))
            {
                return $"{dir} is a file, not a directory";
            }
            Directory.CreateDirectory(dir);
            Probe(Path.Combine(dir, ".hmmecs-probe" + AtomicFile.TemporarySuffix));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot write in {dir}: {e.Message.ReplaceLineEndings(" ")}";
        }
    }

    private static void Probe(string path)
    {
        // Removed first and created exclusively (O_EXCL): a file or symbolic link planted under the probe's name is
        // never opened, so nothing it points to is truncated.
        File.Delete(path);
        using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
        {
        }
    }
}
