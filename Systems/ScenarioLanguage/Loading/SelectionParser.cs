using System.Text.Json;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>
/// The mainline selection fields: a migrate's <c>select</c> and <c>owner</c> (refused under other profiles, at their
/// path) and a device's <c>owner</c> (accepted under every profile, read only by mainline).
/// </summary>
internal static class SelectionParser
{
    /// <summary>A migrate step's <c>select</c> (null: the default) and <c>owner</c> (null: the default).</summary>
    public static (MigrateSelect? Select, string? Owner) Parse(FieldReader r, SemanticsProfile profile)
    {
        var mainline = profile == SemanticsProfile.Mainline;
        foreach (var field in new[] { "select", "owner" })
        {
            if (!mainline && r.Has(field))
            {
                throw new ScenarioException(r.Child(field), $"is a mainline field; this scenario's profile is \"{SemanticsProfiles.Name(profile)}\"");
            }
        }
        var owner = r.OptionalString("owner");
        if (!r.TryGet("select", out var array))
        {
            return (null, owner);
        }
        var path = r.Child("select");
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw new ScenarioException(path, $"must be a non-empty array of {string.Join(", ", MigrateSelects.Names)}, got {FieldReader.Describe(array)}");
        }
        var select = MigrateSelect.None;
        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            var index = -1;
            for (var n = 0; n < MigrateSelects.Names.Count && e.ValueKind == JsonValueKind.String; n++)
            {
                index = FieldReader.TextEquals(e, MigrateSelects.Names[n]) ? n : index;
            }
            if (index < 0)
            {
                throw new ScenarioException($"{path}[{i}]", $"must be one of {string.Join(", ", MigrateSelects.Names)}, got {FieldReader.Describe(e)}");
            }
            var flag = MigrateSelects.FromIndex(index);
            if ((select & flag) != 0)
            {
                throw new ScenarioException($"{path}[{i}]", $"\"{MigrateSelects.Names[index]}\" is named twice");
            }
            select |= flag;
            i++;
        }
        return (select, owner);
    }

    /// <summary>A device's optional <c>owner</c> (its <c>pgmap_owner</c>; null: the device's own name).</summary>
    public static string? Owner(FieldReader device) => device.OptionalString("owner");
}
