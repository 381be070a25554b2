namespace HmmEcs.Systems.Machine;

/// <summary>
/// Which kernel a machine follows (docs/model.md, "Profiles"): the 2016 helper as intended, the 2016 helper as
/// posted (its defects reproduced), or mainline Linux's <c>migrate_vma_*</c>. Chosen per machine, read once per
/// call, never per page.
/// </summary>
public enum SemanticsProfile
{
    /// <summary><c>v13</c>: the seed (HMM v13, 2016) as intended, every correction declared in docs/model.md. The default.</summary>
    V13,

    /// <summary><c>v13-as-posted</c>: the seed's code as posted, defects included, each reported as a named finding.</summary>
    V13AsPosted,

    /// <summary><c>mainline</c>: Linux 6.19's <c>migrate_vma_*</c> semantics (selection, hole filling, folio split, the anon-exclusive rule); docs/model.md lists what is modelled.</summary>
    Mainline,
}

/// <summary>The profiles' names in scenario files and on the command line, and which of them run today.</summary>
public static class SemanticsProfiles
{
    /// <summary>The names, in <see cref="SemanticsProfile"/> order (index = enum value).</summary>
    public static IReadOnlyList<string> Names { get; } = ["v13", "v13-as-posted", "mainline"];

    /// <summary>The name of <paramref name="profile"/> as a scenario file writes it.</summary>
    public static string Name(SemanticsProfile profile) => Names[(int)profile];

    /// <summary>The profile called <paramref name="name"/>, or false when there is none.</summary>
    public static bool TryParse(string name, out SemanticsProfile profile)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (Names[i] == name)
            {
                profile = (SemanticsProfile)i;
                return true;
            }
        }
        profile = SemanticsProfile.V13;
        return false;
    }

    /// <summary>Why a machine of <paramref name="profile"/> cannot be built yet, or null when it can.</summary>
    public static string? NotImplemented(SemanticsProfile profile) => profile switch
    {
        SemanticsProfile.V13 or SemanticsProfile.V13AsPosted or SemanticsProfile.Mainline => null,
        _ => $"\"{Name(profile)}\" is not implemented",
    };
}
