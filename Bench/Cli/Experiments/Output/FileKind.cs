using System.Runtime.InteropServices;

namespace HmmEcs.Cli.Experiments.Output;

/// <summary>
/// What a path names once its symbolic links are followed, as far as writing to it goes: nothing yet, a regular file or
/// directory, or a stream (a terminal, a pipe, a device such as <c>/dev/null</c>, a socket) that cannot be replaced by a
/// rename. .NET reports devices and FIFOs as ordinary files, so Linux is asked through <c>statx</c>, whose buffer has
/// one layout on every architecture; elsewhere (or where statx is refused) the paths under <c>/dev/</c> and <c>/proc/</c> count as streams.
/// </summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;
    private const int Directory = 0x4000;

    /// <summary>True when <paramref name="path"/> exists and is neither a regular file nor a directory.</summary>
    public static bool IsStream(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                Span<byte> buffer = stackalloc byte[256];
                if (Statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) == 0)
                {
                    var type = BitConverter.ToUInt16(buffer[ModeOffset..]) & TypeMask;
                    return type != Regular && type != Directory;
                }
                // Missing (judged below: false), or statx refused (a sandbox without it): judged by the path.
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // An old C library without statx: judged by the path alone, as elsewhere.
            }
        }
        var full = Path.GetFullPath(path);
        return (full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal)) && File.Exists(full);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, ref byte buffer);
}
