using System.Reflection;
using System.Security.Cryptography;
using FFActors.Cli.Configuration;
using FFActors.Cli.Output;
using FFActors.Core.Data;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;

namespace FFActors.Cli.Commands;

/// <summary>
/// The one way a command ends on an exception: one line on stderr naming the file, key, node or value (the messages
/// thrown in FFActors do), an <see cref="ExitCode"/>, a <c>run.log</c> entry when a run folder exists, and the
/// <c>--resume</c> command when that folder has a checkpoint. The stack trace only with <c>--verbose</c>.
/// </summary>
public sealed record Failure(int Code, string Line)
{
    const string RunKey = "ffactors.run-folder";

    /// <summary>Marks <paramref name="e"/> as ending the run in <paramref name="runDir"/>; false, for use as an exception filter that rethrows untouched.</summary>
    public static bool InRun(Exception e, string runDir)
    {
        if (!e.Data.Contains(RunKey)) e.Data[RunKey] = runDir;
        return false;
    }

    public static Failure Of(Exception e)
    {
        e = Unwrap(e);
        string message = e.Message.ReplaceLineEndings(" ").Trim();
        return e switch
        {
            PipelineFaultException { Kind: PipelineFault.Diverged } => new(ExitCode.Diverged, $"training diverged: {message} (a lower train.optimizer.lr may help)"),
            PipelineFaultException { Kind: PipelineFault.ClusterLost } => new(ExitCode.ClusterLost, $"cluster lost: {message}"),
            PipelineFaultException => new(ExitCode.Other, message),
            OperationCanceledException => new(ExitCode.Stopped, "stopped"),
            ConfigException or IdxFormatException or ArgumentException or ClusterSetupException or InvalidDataException
                or IOException or UnauthorizedAccessException or CryptographicException or System.Text.DecoderFallbackException
                => new(ExitCode.BadInput, message),
            _ => new(ExitCode.Other, $"{e.GetType().Name}: {message}"),
        };
    }

    /// <summary>Reports <paramref name="e"/> as described above and returns its exit code.</summary>
    public static int Report(Exception e, bool verbose, TextWriter error)
    {
        var failure = Of(e);
        error.WriteLine($"ffactors: error: {failure.Line}");
        if (RunFolderOf(e) is { } run)
        {
            try
            {
                var log = Unwrap(e) is PipelineFaultException fault ? fault.RunLog : [];
                new RunFolder(run).AppendLog([.. log, $"failed (exit {failure.Code}): {failure.Line}"]);
            }
            catch (Exception logging) when (logging is IOException or UnauthorizedAccessException)
            {
                // The folder itself may be what failed (disk full, removed): the line above is all there is.
            }
            if (HasCheckpoint(run)) error.WriteLine($"ffactors: continue from its last checkpoint with: ffactors train --resume {run}");
        }
        if (verbose) error.WriteLine(e.ToString());
        return failure.Code;
    }

    static string? RunFolderOf(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x.Data[RunKey] is string run) return run;
        return null;
    }

    static bool HasCheckpoint(string run)
    {
        var root = Path.Combine(run, "checkpoints");
        return Directory.Exists(root) && (File.Exists(Path.Combine(root, "latest"))
            || Directory.EnumerateDirectories(root).Any(d => File.Exists(Path.Combine(d, "coordinator.bin"))));
    }

    static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } a:
                    e = a.InnerExceptions[0];
                    continue;
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                case TypeInitializationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                default:
                    return e;
            }
        }
    }
}
