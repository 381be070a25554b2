namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>What the error bar of an aggregated point spans (<c>hmmecs plot --bars</c>).</summary>
public enum ErrorBars
{
    /// <summary>From the smallest to the largest value at the point (<c>minmax</c>, the default).</summary>
    MinMax,

    /// <summary>The 95% confidence interval of the mean, Student's t with n-1 degrees of freedom (<c>ci95</c>).</summary>
    Ci95,

    /// <summary>No bar: the mean alone (<c>none</c>).</summary>
    None,
}
