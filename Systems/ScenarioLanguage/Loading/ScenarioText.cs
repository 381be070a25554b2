using System.Buffers;
using System.Text;
using System.Text.Unicode;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>
/// The text of a scenario file's bytes: UTF-8, with a leading byte-order mark (which editors on Windows write)
/// dropped. Bytes that are not UTF-8 are refused with their line, column and byte offset, not replaced: a
/// replaced name would run under a name the file does not hold.
/// </summary>
public static class ScenarioText
{
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    /// <summary>The text of <paramref name="bytes"/>; invalid UTF-8 is a <see cref="ScenarioException"/> at its line and column.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var skipped = bytes.StartsWith(ByteOrderMark) ? ByteOrderMark.Length : 0;
        var body = bytes[skipped..];
        if (!Utf8.IsValid(body))
        {
            throw Invalid(body, skipped);
        }
        return Encoding.UTF8.GetString(body);
    }

    /// <summary>Where the first invalid sequence is, counted as the JSON errors count (line and column from 1, the column in bytes).</summary>
    private static ScenarioException Invalid(ReadOnlySpan<byte> body, int skipped)
    {
        var line = 1;
        var lineStart = 0;
        var at = 0;
        while (at < body.Length)
        {
            if (Rune.DecodeFromUtf8(body[at..], out _, out var consumed) != OperationStatus.Done)
            {
                break;
            }
            if (body[at] == (byte)'\n')
            {
                line++;
                lineStart = at + 1;
            }
            at += consumed;
        }
        var offset = at + skipped;
        return new ScenarioException($"line {line}, column {at - lineStart + 1}",
            $"not valid UTF-8 (byte 0x{body[at]:X2} at byte offset {offset}); a scenario file is UTF-8 text");
    }
}
