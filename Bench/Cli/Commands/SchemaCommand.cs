namespace HmmEcs.Cli.Commands;

/// <summary>
/// <c>hmmecs schema</c>: prints the JSON Schema of scenario files (docs/scenario.schema.json), so an editor can be
/// pointed at it without a checkout of the repository.
/// </summary>
internal static class SchemaCommand
{
    /// <summary>The logical name the project file gives docs/scenario.schema.json when it embeds it.</summary>
    public const string ResourceName = "hmmecs.scenario.schema.json";

    /// <summary>Prints the schema to <paramref name="stdout"/>.</summary>
    public static int Execute(TextWriter stdout)
    {
        // The embedded file itself, byte for byte: the printed schema cannot drift from the one in docs/.
        using var stream = typeof(SchemaCommand).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the build did not embed {ResourceName}");
        using var reader = new StreamReader(stream);
        stdout.Write(reader.ReadToEnd());
        return HmmecsCommand.Ok;
    }
}
