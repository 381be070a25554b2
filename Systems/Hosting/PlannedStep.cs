using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.Hosting;

/// <summary>A step in run order with where it sits (repeats are unrolled): what a <c>StepResult</c> labels it with.</summary>
internal readonly record struct PlannedStep(ScenarioStep Step, int Index, int? Iteration, int? Inner, IReadOnlyList<(int Iteration, int Inner)>? Nested)
{
    /// <summary>Unrolls <paramref name="steps"/> (top level) into <paramref name="plan"/>.</summary>
    public static void Unroll(IReadOnlyList<ScenarioStep> steps, List<PlannedStep> plan)
    {
        for (var index = 0; index < steps.Count; index++)
        {
            if (steps[index] is RepeatStep repeat)
            {
                UnrollRepeat(repeat, index, [], plan);
            }
            else
            {
                plan.Add(new PlannedStep(steps[index], index, null, null, null));
            }
        }
    }

    // Same labelling as ScenarioRunner: the outermost repeat's pair in Iteration/Inner, deeper pairs in Nested.
    private static void UnrollRepeat(RepeatStep repeat, int index, List<(int, int)> outer, List<PlannedStep> plan)
    {
        for (var pass = 0; pass < repeat.Times; pass++)
        {
            for (var inner = 0; inner < repeat.Body.Count; inner++)
            {
                outer.Add((pass, inner));
                if (repeat.Body[inner] is RepeatStep nested)
                {
                    UnrollRepeat(nested, index, outer, plan);
                }
                else
                {
                    var (it, n) = outer[0];
                    var deeper = outer.Count > 1 ? outer.GetRange(1, outer.Count - 1) : null;
                    plan.Add(new PlannedStep(repeat.Body[inner], index, it, n, deeper));
                }
                outer.RemoveAt(outer.Count - 1);
            }
        }
    }
}
