using System.Runtime.InteropServices;

namespace FFActors.Cli.Commands;

/// <summary>
/// First Ctrl-C or SIGTERM asks a command to stop cleanly (<c>train</c> and <c>experiment</c> checkpoint and stop,
/// <c>node</c> leaves the cluster); a second one ends the process as usual. SIGTERM counts because service
/// managers, <c>kill</c> and scripts' background jobs (which ignore SIGINT) stop a process that way, and a run
/// stopped so must not lose its batches since the last checkpoint.
/// </summary>
internal sealed class GracefulStop : IDisposable
{
    readonly CancellationTokenSource cts;
    readonly ConsoleCancelEventHandler handler;
    readonly PosixSignalRegistration term;
    readonly string action;

    /// <param name="action">What the first signal does, for the line printed when it arrives.</param>
    public GracefulStop(CancellationToken outer, string action = "stopping after the batches in flight (checkpointing)")
    {
        this.action = action;
        cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        handler = (_, e) => e.Cancel = Request("Ctrl-C");
        Console.CancelKeyPress += handler;
        term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => ctx.Cancel = Request("SIGTERM"));
    }

    public CancellationToken Token => cts.Token;

    /// <summary>True: the signal is taken as a stop request; false (a second signal): the default action ends the process.</summary>
    bool Request(string signal)
    {
        if (cts.IsCancellationRequested) return false;
        Console.Error.WriteLine($"ffactors: {signal}: {action}; send it again to abort");
        cts.Cancel();
        return true;
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= handler;
        term.Dispose();
        cts.Dispose();
    }
}
