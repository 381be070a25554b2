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
    private const uint StatxIno = 0x100;
    private const int NoEntry = 2;
    // Offsets in struct statx (one layout on every architecture).
    private const int ModeOffset = 28;
    private const int InoOffset = 32;
    private const int DevMajorOffset = 136;
    private const int DevMinorOffset = 140;
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;
    private const int Directory = 0x4000;

    /// <summary>True when <paramref name="path"/> exists and is neither a regular file nor a directory.</summary>
    public static bool IsStream(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        switch (Stat(path, StatxType, buffer))
        {
            case true:
                var type = BitConverter.ToUInt16(buffer[ModeOffset..]) & TypeMask;
                return type != Regular && type != Directory;
            case false:
                return false;
        }
        // Missing (false below), statx refused (a sandbox without it) or not Linux: judged by the path.
        try
        {
            var full = Path.GetFullPath(path);
            return (full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal)) && File.Exists(full);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The device and inode <paramref name="path"/> leads to (links followed), or null when it cannot be told.</summary>
    public static (ulong Device, ulong Inode)? Identity(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Stat(path, StatxIno, buffer) != true)
        {
            return null;
        }
        var device = ((ulong)BitConverter.ToUInt32(buffer[DevMajorOffset..]) << 32) | BitConverter.ToUInt32(buffer[DevMinorOffset..]);
        return (device, BitConverter.ToUInt64(buffer[InoOffset..]));
    }

    /// <summary>statx of <paramref name="path"/> into <paramref name="buffer"/>: true when it answered, false when the path is missing, null when it could not be asked.</summary>
    private static bool? Stat(string path, uint mask, Span<byte> buffer)
    {
        if (!OperatingSystem.IsLinux() || path.Length == 0)
        {
            return null;
        }
        try
        {
            if (Statx(AtFdCwd, path, 0, mask, ref MemoryMarshal.GetReference(buffer)) == 0)
            {
                return true;
            }
            return Marshal.GetLastPInvokeError() == NoEntry ? false : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // An old C library without statx.
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, ref byte buffer);
}
