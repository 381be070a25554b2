using System.Text.Json;
using HmmEcs.Cli.Commands;
using HmmEcs.Tests.Scenarios;

namespace HmmEcs.Tests.Cli;

/// <summary><c>hmmecs schema</c> prints docs/scenario.schema.json as it is, for editors.</summary>
public class SchemaCommandTests
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    [Fact]
    public void PrintsTheSchemaFileExactlyAndExitsZero()
    {
        Assert.Equal(0, HmmecsCommand.Execute(["schema"], _out, _err));
        Assert.Equal(ScenarioSchema.Text, _out.ToString());
        Assert.Equal("", _err.ToString());
    }

    [Fact]
    public void ThePrintedSchemaIsJsonThatValidatesAScenario()
    {
        HmmecsCommand.Execute(["schema"], _out, _err);
        using var doc = JsonDocument.Parse(_out.ToString());
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", doc.RootElement.GetProperty("$schema").GetString());
        var schema = Json.Schema.JsonSchema.FromText(_out.ToString());
        Assert.Equal("", ScenarioSchema.Errors(schema, """{ "steps": [ { "op": "process", "name": "p" } ] }"""));
        Assert.NotEqual("", ScenarioSchema.Errors(schema, """{ "steps": [ { "op": "process" } ] }"""));
    }

    [Fact]
    public void AnArgumentIsACommandLineError()
    {
        Assert.Equal(2, HmmecsCommand.Execute(["schema", "extra"], _out, _err));
        Assert.Equal("", _out.ToString());
        Assert.Contains("hmmecs schema: Unrecognized command or argument 'extra'", _err.ToString());
    }

    [Fact]
    public void HelpNamesTheVerb()
    {
        HmmecsCommand.Execute(["help"], _out, _err);
        Assert.Contains("hmmecs schema", _out.ToString());
    }
}
