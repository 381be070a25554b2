namespace HmmEcs.Cli.Experiments.Output;

/// <summary>
/// Writes a file the user named on the command line (<c>--json</c>, <c>--trace</c>, <c>plot --out</c>) the way a shell's
/// <c>&gt;</c> would, but whole or not at all: a symbolic link is followed and the file it leads to replaced whole (the
/// link stays); a stream (a pipe, a FIFO, a process substitution, <c>/dev/null</c>) is written straight into, since it
/// cannot be replaced and a reader waits on it. The process's own stdout and stderr by name (<c>-</c>,
/// <c>/dev/stdout</c>, <c>/dev/fd/2</c>, …) are the caller's to write through the streams it holds: reopened, a
/// redirected file would be truncated or overwritten under the lines already written. (Files the tool names itself, in
/// a sweep or report directory, go through <see cref="AtomicFile"/>, which never follows a link.)
/// </summary>
internal static class NamedOutput
{
    /// <summary>1 when <paramref name="path"/> names the process's stdout (<c>-</c> included), 2 its stderr, else 0.</summary>
    public static int StandardStream(string? path) => path switch
    {
        "-" or "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1" => 1,
        "/dev/stderr" or "/dev/fd/2" or "/proc/self/fd/2" => 2,
        _ => 0,
    };

    /// <summary>Writes <paramref name="text"/> to the file or stream <paramref name="path"/> names.</summary>
    public static void WriteAllText(string path, string text) => Write(path, target => File.WriteAllText(target, text));

    /// <summary>Lets <paramref name="write"/> write the file or stream <paramref name="path"/> names (see the class).</summary>
    public static void Write(string path, Action<string> write)
    {
        if (StandardStream(path) is var n and not 0)
        {
            // A caller with nothing else on that stream (plot's picture) may have it reopened by name.
            write(n == 1 ? "/dev/stdout" : "/dev/stderr");
            return;
        }
        if (FileKind.IsStream(path))
        {
            write(path);
            return;
        }
        AtomicFile.Write(Resolved(path), write);
    }

    /// <summary>Null when <paramref name="path"/> can be written, else why not (checked before a run starts).</summary>
    public static string? Problem(string path)
    {
        if (StandardStream(path) != 0 || FileKind.IsStream(path))
        {
            // Not probed: opening a FIFO waits for its reader, and a device that refuses says so when written.
            return null;
        }
        var resolved = Resolved(path);
        var problem = OutputPaths.FileProblem(resolved);
        return problem is null || resolved == path ? problem : problem.Replace(resolved, path, StringComparison.Ordinal);
    }

    /// <summary>
    /// True when <paramref name="output"/> would write over <paramref name="existing"/>: one regular file (by device and
    /// inode, so links anywhere on either path count), or both the process's stdout or both its stderr. Other streams
    /// (<c>/dev/null</c>, a FIFO) take what comes.
    /// </summary>
    public static bool SameFile(string output, string existing)
    {
        var (a, b) = (StandardStream(output), StandardStream(existing));
        if (a != 0 || b != 0)
        {
            return a == b;
        }
        if (FileKind.IsStream(output) || FileKind.IsStream(existing))
        {
            return false;
        }
        return FileKind.Identity(output) is { } x && FileKind.Identity(existing) is { } y
            ? x == y
            : string.Equals(Resolved(output), Resolved(existing), StringComparison.Ordinal);
    }

    /// <summary>The full path <paramref name="path"/> leads to once a symbolic link at its end is followed (the path as given when it cannot be judged).</summary>
    public static string Resolved(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // A loop of links, an empty or unreadable path: left as named, and the write or its check reports it.
            return path;
        }
    }
}
