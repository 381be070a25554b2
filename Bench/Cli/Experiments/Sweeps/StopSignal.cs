using System.Runtime.InteropServices;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// SIGINT and SIGTERM as a request to stop starting runs, while it is alive: the runs in flight finish and the sweep
/// writes what it has. A second signal is not intercepted, so it ends the process at once as usual.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private int _requested;

    public StopSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>True once a signal arrived.</summary>
    public bool Requested => Volatile.Read(ref _requested) != 0;

    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }
    }

    private void Handle(PosixSignalContext context)
    {
        // Only the first signal is ours: cancelling the default action of a second one would leave no way to stop a stuck run.
        context.Cancel = Interlocked.Exchange(ref _requested, 1) == 0;
    }
}
