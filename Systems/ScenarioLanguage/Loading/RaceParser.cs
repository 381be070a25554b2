using System.Text.Json;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Machine.Races;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>
/// A migrate step's <c>race</c> list (docs/scenarios.md "Races"): each entry's boundary, op and that op's fields,
/// every problem at its path (<c>steps[i].race[j].field</c>). The names are followed by <see cref="NameTracker"/>.
/// </summary>
internal static class RaceParser
{
    /// <summary>Every field a race entry may have, whatever its op (docs/scenario.schema.json's <c>race</c>).</summary>
    internal static readonly string[] Fields = ["at", "op", "proc", "vma", "first", "count", "access", "salt", "child", "to"];

    /// <summary>The fields of a race of <paramref name="op"/>.</summary>
    internal static string[] OpFields(RaceOp op) => op switch
    {
        RaceOp.Touch => ["at", "op", "proc", "vma", "first", "count", "access", "salt"],
        RaceOp.Pin => ["at", "op", "proc", "vma", "first", "count"],
        RaceOp.Munmap => ["at", "op", "proc", "vma"],
        RaceOp.Fork => ["at", "op", "proc", "child"],
        _ => ["at", "op", "proc", "vma", "first", "count", "to"],
    };

    /// <summary>The step's races (null without a <c>race</c> field) for a migrate in process <paramref name="proc"/>.</summary>
    public static IReadOnlyList<MigrateRace>? Parse(FieldReader step, string proc, SemanticsProfile profile)
    {
        if (!step.TryGet("race", out var array))
        {
            return null;
        }
        var path = step.Child("race");
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw new ScenarioException(path, $"must be a non-empty array of races, got {FieldReader.Describe(array)}");
        }
        var races = new List<MigrateRace>(array.GetArrayLength());
        var j = 0;
        foreach (var e in array.EnumerateArray())
        {
            var race = One(e, $"{path}[{j}]", proc, profile);
            if (races.Count > 0 && race.At < races[^1].At)
            {
                throw new ScenarioException($"{path}[{j}].at", $"races run in boundary order: \"{RaceBoundaries.Name(race.At)}\" comes before \"{RaceBoundaries.Name(races[^1].At)}\" of the race listed before it");
            }
            races.Add(race);
            j++;
        }
        return races;
    }

    private static MigrateRace One(JsonElement e, string path, string proc, SemanticsProfile profile)
    {
        var any = new FieldReader(e, path, Fields, "a race");
        var op = (RaceOp)any.Choice("op", MigrateRace.OpNames, -1);
        var r = new FieldReader(e, path, OpFields(op), $"a {MigrateRace.OpNames[(int)op]} race");
        var at = (RaceBoundary)r.Choice("at", RaceBoundaries.Names, -1);
        var raceProc = r.RequiredString("proc");
        switch (op)
        {
            case RaceOp.Touch:
                return new MigrateRace(at, op, raceProc, r.RequiredString("vma"), StepParser.Range(r),
                    (Access)r.Choice("access", StepParser.Accesses, -1), r.Unsigned("salt", 0));
            case RaceOp.Pin:
                return new MigrateRace(at, op, raceProc, r.RequiredString("vma"), StepParser.Range(r));
            case RaceOp.Munmap or RaceOp.Fork:
                if (raceProc != proc)
                {
                    // The only munmap and fork modelled are the migrating process's, which wait for the call's mmap lock.
                    throw new ScenarioException(r.Child("proc"), $"a {MigrateRace.OpNames[(int)op]} race runs in the migrating process '{proc}' (another process's is not modelled)");
                }
                return op == RaceOp.Munmap
                    ? new MigrateRace(at, op, raceProc, r.RequiredString("vma"))
                    : new MigrateRace(at, op, raceProc, Child: r.RequiredString("child"));
            default:
                var vma = r.RequiredString("vma");
                var first = r.Integer("first", 0, 0);
                var count = r.Integer("count", null, 1, MigrateRace.MaxMigratePages);
                return new MigrateRace(at, op, raceProc, vma, new PageRange(first, count), To: r.RequiredString("to"));
        }
    }
}
