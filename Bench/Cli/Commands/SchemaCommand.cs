namespace HmmEcs.Cli.Commands;

/// <summary>
/// <c>hmmecs schema</c>: prints the JSON Schema of scenario files (docs/scenario.schema.json), so an editor can be
/// pointed at it without a checkout of the repository.
/// </summary>
internal static class SchemaCommand
{
    /// <summary>The logical name the project file gives docs/scenario.schema.json when it embeds it.</summary>
    public const string ResourceName = "hmmecs.scenario.schema.json";

    public static int Execute(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count > 0)
        {
            stderr.WriteLine($"hmmecs schema: takes no arguments, got '{args[0]}' (see hmmecs help)");
            return HmmecsCommand.Invalid;
        }
        // The embedded file itself, byte for byte: the printed schema cannot drift from the one in docs/.
        using var stream = typeof(SchemaCommand).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the build did not embed {ResourceName}");
        using var reader = new StreamReader(stream);
        stdout.Write(reader.ReadToEnd());
        return HmmecsCommand.Ok;
    }
}
