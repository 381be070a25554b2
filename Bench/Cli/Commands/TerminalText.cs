using System.Globalization;
using System.Text;

namespace HmmEcs.Cli.Commands;

/// <summary>
/// Text from a scenario file (a name, a message quoting one) made safe to print: a control character would break the
/// one-line output (a newline), end the line early for a C reader (NUL) or drive the terminal (ESC sequences), and a
/// bidirectional override would show the line in another order than it reads. Each is written as its escape
/// (<c>\n</c>, <c>\u0000</c>), as JSON would write it; other text is unchanged.
/// </summary>
internal static class TerminalText
{
    /// <summary><paramref name="text"/> with every control, line-separator and bidirectional-control character escaped.</summary>
    public static string Escape(string text)
    {
        var first = 0;
        while (first < text.Length && !NeedsEscape(text[first]))
        {
            first++;
        }
        if (first == text.Length)
        {
            return text;
        }
        var b = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(c))
            {
                b.Append(c);
                continue;
            }
            b.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            });
        }
        return b.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || c is '\u2028' or '\u2029' // line and paragraph separators
        || c is >= '\u202A' and <= '\u202E' // embeddings and overrides
        || c is >= '\u2066' and <= '\u2069'; // isolates
}
