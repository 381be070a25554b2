namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>How <see cref="TablePlot"/> draws: the error bars of aggregated points, and which axes are logarithmic.</summary>
/// <param name="Bars">What an aggregated point's bar spans.</param>
/// <param name="LogX">A base-10 log x axis (every plotted x must be positive).</param>
/// <param name="LogY">A base-10 log y axis (every plotted y must be positive).</param>
public sealed record PlotOptions(ErrorBars Bars = ErrorBars.MinMax, bool LogX = false, bool LogY = false);
