using HmmEcs.Components.Migration;
using HmmEcs.Systems.Migration;

namespace HmmEcs.Tests.Ecs;

/// <summary>The vector count of a call's outcomes against a plain count, across lengths that end inside and on a vector.</summary>
public class OutcomeCountsTests
{
    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(31, 0.5)]
    [InlineData(32, 1.0)]
    [InlineData(1000, 0.02)]
    [InlineData(4099, 0.3)]
    public void CountsEveryReasonAsAPlainLoopDoes(int length, double gaveUp)
    {
        var random = new Random(length);
        var outcomes = new MigrateReason[length];
        for (var i = 0; i < length; i++)
        {
            outcomes[i] = random.NextDouble() < gaveUp ? (MigrateReason)random.Next(1, MigrateReasons.Count) : MigrateReason.None;
        }
        var expected = new long[MigrateReasons.Count];
        foreach (var o in outcomes)
        {
            expected[(int)o]++;
        }
        expected[0] = 0;
        var counted = new long[MigrateReasons.Count];
        counted[0] = 5;
        OutcomeCounts.Add(outcomes, counted);
        Assert.Equal(expected, counted);
    }
}
