using System.Runtime.InteropServices;

namespace FFActors.Cli.Commands;

/// <summary>
/// First Ctrl-C or SIGTERM asks a command to stop cleanly (<c>train</c> and <c>experiment</c> checkpoint and stop,
/// <c>node</c> leaves the cluster); a second one ends the process at once with exit code 130. SIGTERM counts because
/// service managers, <c>kill</c> and scripts' background jobs (which ignore SIGINT) stop a process that way, and a run
/// stopped so must not lose its batches since the last checkpoint.
/// </summary>
/// <remarks>
/// The second signal exits through <c>_exit</c>, not the runtime's default action: that runs the process-exit
/// handlers (the actor system's coordinated shutdown among them), which can wait on the very thing that did not stop.
/// </remarks>
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

    /// <summary>True: the signal is taken as a stop request; a second signal ends the process (exit 130).</summary>
    bool Request(string signal)
    {
        if (Interlocked.Exchange(ref requests, 1) != 0)
        {
            Console.Error.WriteLine($"ffactors: {signal} again: aborting (exit {ExitCode.Stopped})");
            Abort(ExitCode.Stopped);
        }
        Console.Error.WriteLine($"ffactors: {signal}: {action}; send it again to abort");
        cts.Cancel();
        return true;
    }

    int requests;

    /// <summary>Ends the process now with <paramref name="code"/>, without exit handlers (see remarks).</summary>
    internal static void Abort(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) ExitNow(code);
        Environment.Exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    static extern void ExitNow(int code);

    public void Dispose()
    {
        Console.CancelKeyPress -= handler;
        term.Dispose();
        cts.Dispose();
    }
}
