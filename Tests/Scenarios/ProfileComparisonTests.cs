using System.Text.Json.Nodes;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Scenarios;

/// <summary>
/// The README's comparison (profiles/compare.json) under each profile, on both engines: 16 anon pages, 12 written
/// (4 holes), page 3 pinned, migrated to an unaddressable device; then 4 written file pages. Each number derived by hand.
/// </summary>
public class ProfileComparisonTests
{
    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void V13GivesUpHolesAndThePinAndRefusesFilePagesForUnaddressableMemory(string engine)
    {
        var (anon, file) = Migrates(engine, SemanticsProfile.V13);
        // 11 pages move; the holes are not migratable in 2016; the pin fails the pin check and is restored; one PMD span flushed.
        Assert.Equal((11, 0, 1), Counts(anon));
        Assert.Equal(4, Reason(anon, "hole"));
        Assert.Equal(1, Reason(anon, "pinned"));
        // File pages are locked and unmapped, then refused by migrate_struct_page (unaddressable target) and restored.
        Assert.Equal(4, Reason(file, "file-unaddressable"));
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void AsPostedCountsThePageCacheAsAPinAndStrandsTheFilePages(string engine)
    {
        var (anon, file) = Migrates(engine, SemanticsProfile.V13AsPosted);
        Assert.Equal((11, 0, 1), Counts(anon));
        // The posted pin check counts the page cache's reference: every file page "pinned", none restored.
        Assert.Equal(4, Reason(file, "pinned"));
        Assert.Equal(4, (long)file["findings"]!["pin-check-counts-cache"]!);
        // Its restore pass skips every failure before the first surviving page: with none surviving, all four.
        Assert.Equal(4, (long)file["findings"]!["isolate-restore-skip-inverted"]!);
        Assert.Equal(4, (long)file["findings"]!["isolate-all-fail-stranded"]!);
        // Walks: collect, the lock_and_isolate restore pass (the pin failed there), migrate_struct_page and the final
        // pass; the file call stops after its restore pass (npages 0). One notifier range each, around collect.
        Assert.Equal((4, 1), Costs(anon));
        Assert.Equal((2, 1), Costs(file));
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void MainlineFillsTheHolesFlushesPerExclusivePageAndRefusesFilePages(string engine)
    {
        var (anon, file) = Migrates(engine, SemanticsProfile.Mainline);
        // 11 copies + 4 holes given zero-filled device pages; 12 anon-exclusive pages each flushed at collect (the
        // pinned one too, then put back), plus the span.
        Assert.Equal((15, 4, 13), Counts(anon));
        Assert.Equal(0, Reason(anon, "hole"));
        Assert.Equal(1, Reason(anon, "pinned"));
        Assert.Equal(4, Reason(file, "file-to-device"));
    }

    private static (JsonNode Anon, JsonNode File) Migrates(string engine, SemanticsProfile profile)
    {
        var scenario = ScenarioLoader.LoadFile(ScenarioFiles.Full("profiles/compare.json"), profile);
        var result = ScenarioRunner.Run(scenario, engine, checkEveryStep: profile != SemanticsProfile.V13AsPosted);
        Assert.True(result.Ok);
        var steps = result.ToJson(includeTiming: false)["steps"]!.AsArray().Where(s => (string?)s!["op"] == "migrate").ToList();
        Assert.Equal(2, steps.Count);
        return (steps[0]!, steps[1]!);
    }

    private static (long Migrated, long Holes, long Flushes) Counts(JsonNode m) =>
        ((long)m["migrated"]!, (long)m["holesInserted"]!, (long)m["tlbFlushes"]!);

    private static long Reason(JsonNode m, string key) => (long)m["reasons"]![key]!;

    private static (long Walks, long Invalidations) Costs(JsonNode m) =>
        ((long)m["costs"]!["walks"]!, (long)m["costs"]!["invalidations"]!);
}
