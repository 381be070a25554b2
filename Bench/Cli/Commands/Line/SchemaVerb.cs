using System.CommandLine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary><c>hmmecs schema</c>.</summary>
internal static class SchemaVerb
{
    public static Command Build()
    {
        var command = new Command("schema", "Prints the JSON Schema of scenario files (docs/scenario.schema.json) for editors");
        command.SetAction(p => SchemaCommand.Execute(p.InvocationConfiguration.Output));
        return command;
    }
}
