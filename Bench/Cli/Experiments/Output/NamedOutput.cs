namespace HmmEcs.Cli.Experiments.Output;

/// <summary>
/// Writes a file the user named on the command line (<c>--json</c>, <c>--trace</c>, <c>plot --out</c>) the way a shell's
/// <c>&gt;</c> would, but whole or not at all: a symbolic link is followed and the file it leads to replaced whole (the
/// link stays); a stream (<c>/dev/stdout</c>, a pipe, a process substitution, <c>/dev/null</c>) is written straight
/// into, since it cannot be replaced and a reader waits on it. (Files the tool names itself, in a sweep or report
/// directory, go through <see cref="AtomicFile"/>, which never follows a link.)
/// </summary>
internal static class NamedOutput
{
    /// <summary>Writes <paramref name="text"/> to the file or stream <paramref name="path"/> names.</summary>
    public static void WriteAllText(string path, string text) => Write(path, target => File.WriteAllText(target, text));

    /// <summary>Lets <paramref name="write"/> write the file or stream <paramref name="path"/> names (see the class).</summary>
    public static void Write(string path, Action<string> write)
    {
        if (FileKind.IsStream(path))
        {
            write(path);
            return;
        }
        AtomicFile.Write(Resolved(path), write);
    }

    /// <summary>Null when <paramref name="path"/> can be written, else why not (checked before a run starts).</summary>
    public static string? Problem(string path) =>
        // A stream is not probed: opening a FIFO waits for its reader, and a device that refuses says so when written.
        FileKind.IsStream(path) ? null : OutputPaths.FileProblem(Resolved(path)) is { } problem ? problem.Replace(Resolved(path), path, StringComparison.Ordinal) : null;

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> name one file (links followed); streams never clash.</summary>
    public static bool SameFile(string a, string b) =>
        !FileKind.IsStream(a) && string.Equals(Resolved(a), Resolved(b), StringComparison.Ordinal);

    /// <summary>The full path <paramref name="path"/> leads to once every symbolic link on it is followed (itself when it is none).</summary>
    public static string Resolved(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            // A loop of links: left as named, and the write reports it.
            return Path.GetFullPath(path);
        }
    }
}
