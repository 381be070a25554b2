namespace HmmEcs.Cli.Experiments.Output;

/// <summary>
/// Writes a file whole or not at all: the content goes to a temporary name beside the target, which is then renamed
/// over it. A crash, a kill or a full disk leaves the previous file (or none), never a cut one that a later reader
/// (a resumed sweep, <c>merge</c>) would take for a result. The rename replaces a symbolic link at the target
/// itself, never the file it points to.
/// </summary>
public static class AtomicFile
{
    /// <summary>The suffix of the temporary files; a sweep directory's leftovers with it are debris of a killed writer.</summary>
    public const string TemporarySuffix = ".partial";

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) => Write(path, tmp => File.WriteAllText(tmp, text));

    /// <summary>Lets <paramref name="write"/> fill a temporary file, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        var tmp = path + TemporarySuffix;
        // A file or symbolic link planted under the temporary name is removed, not written through.
        File.Delete(tmp);
        try
        {
            write(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }
}
