namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>The two-sided 95% quantile of Student's t distribution, for confidence intervals of a mean.</summary>
public static class StudentT
{
    // t(0.975, df) for df = 1..30; repetitions of a sweep are few, so the small-sample values matter.
    private static readonly double[] Table =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>t(0.975, <paramref name="degreesOfFreedom"/>); above 30 the first Cornish-Fisher term over the normal 1.96 (within 0.003 of the exact value).</summary>
    public static double Quantile975(int degreesOfFreedom)
    {
        if (degreesOfFreedom < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), "a confidence interval needs at least two values");
        }
        if (degreesOfFreedom <= Table.Length)
        {
            return Table[degreesOfFreedom - 1];
        }
        const double z = 1.959964;
        return z + (z * z * z + z) / (4.0 * degreesOfFreedom);
    }
}
