using System.Collections.Concurrent;
using Spectre.Console;

namespace HmmEcs.Cli.Experiments.Progress;

/// <summary>Where a long job reports: a line of output, and one unit of work done. Thread-safe.</summary>
public interface IProgressSink
{
    /// <summary>A line of the job's plain output.</summary>
    void Line(string text);

    /// <summary>One unit of work (a step, a run) is done.</summary>
    void Tick();
}

/// <summary>
/// Runs a job with a Spectre.Console progress bar when a person is watching, and plainly otherwise. The bar
/// shows only on an interactive terminal (neither stdout nor stderr redirected, output going to the real
/// console, JSON not on stdout) and only once the job has taken about a second; before that, and in plain
/// mode, lines are written as they are.
/// </summary>
public static class LiveProgress
{
    /// <summary>How long a job runs before the bar appears.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// True when progress may be drawn: <paramref name="stdout"/> is the process's console, neither stream is
    /// redirected, and stdout does not carry JSON (<c>--json -</c>).
    /// </summary>
    public static bool IsInteractive(TextWriter stdout, bool jsonOnStdout) =>
        !jsonOnStdout && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && !Console.IsErrorRedirected;

    /// <summary>Runs <paramref name="work"/> over <paramref name="total"/> units; its lines go to <paramref name="plain"/> (or above the bar).</summary>
    public static T Run<T>(bool interactive, string title, int total, TextWriter plain, Func<IProgressSink, T> work)
    {
        if (!interactive)
        {
            return work(new PlainSink(plain));
        }
        var sink = new QueueSink();
        var job = Task.Run(() => work(sink));
        if (Finished(job, Delay))
        {
            sink.Drain(plain.WriteLine);
            return job.GetAwaiter().GetResult();
        }
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var bar = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
                while (!Finished(job, TimeSpan.FromMilliseconds(100)))
                {
                    sink.Drain(line => AnsiConsole.WriteLine(line));
                    bar.Value = sink.Done;
                }
                sink.Drain(line => AnsiConsole.WriteLine(line));
                bar.Value = sink.Done;
            });
        return job.GetAwaiter().GetResult();
    }

    /// <summary>Waits without throwing: a failed job's exception surfaces unwrapped from GetResult, as in plain mode.</summary>
    private static bool Finished(Task job, TimeSpan timeout) => ((IAsyncResult)job).AsyncWaitHandle.WaitOne(timeout);

    private sealed class PlainSink(TextWriter w) : IProgressSink
    {
        private readonly Lock _gate = new();

        public void Line(string text)
        {
            lock (_gate)
            {
                w.WriteLine(text);
            }
        }

        public void Tick()
        {
        }
    }

    private sealed class QueueSink : IProgressSink
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private int _done;

        public int Done => Volatile.Read(ref _done);

        public void Line(string text) => _lines.Enqueue(text);

        public void Tick() => Interlocked.Increment(ref _done);

        public void Drain(Action<string> write)
        {
            while (_lines.TryDequeue(out var line))
            {
                write(line);
            }
        }
    }
}
