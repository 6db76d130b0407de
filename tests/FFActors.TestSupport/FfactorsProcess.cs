using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit;

namespace FFActors.TestSupport;

/// <summary>
/// The real executable (ffactors.dll, copied beside the tests of the projects that reference the CLI) as a child
/// process whose stdout and stderr lines are collected as they come (stderr lines prefixed "err: ").
/// </summary>
public sealed class FfactorsProcess : IDisposable
{
    readonly ConcurrentQueue<string> lines = new();

    FfactorsProcess(ProcessStartInfo psi)
    {
        Process = new Process { StartInfo = psi };
        Process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue("err: " + e.Data); };
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>The lines so far, in order of arrival.</summary>
    public IReadOnlyCollection<string> Lines => lines;

    /// <summary>Every line so far, one string.</summary>
    public string Output => string.Join("\n", lines);

    /// <summary><c>dotnet ffactors.dll</c> with <paramref name="args"/>, both output streams redirected.</summary>
    public static ProcessStartInfo Command(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ffactors.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    public static FfactorsProcess Start(ProcessStartInfo psi) => new(psi);

    public static FfactorsProcess Start(params string[] args) => new(Command(args));

    /// <summary>Runs the executable to its end (at most <paramref name="limit"/>, default 5 minutes): exit code, stdout, stderr (trimmed).</summary>
    public static (int Code, string Out, string Err) Run(ProcessStartInfo psi, TimeSpan? limit = null)
    {
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var bound = limit ?? TimeSpan.FromMinutes(5);
        if (!p.WaitForExit(bound))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"ffactors {string.Join(' ', psi.ArgumentList.Skip(1))} did not exit within {bound.TotalSeconds:0} s");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result.Trim());
    }

    public static (int Code, string Out, string Err) Run(params string[] args) => Run(Command(args));

    /// <summary>Waits until a line satisfies <paramref name="match"/>; fails (with the lines so far) if the process exits first or time runs out.</summary>
    public string WaitForLine(Func<string, bool> match, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var line = lines.FirstOrDefault(match);
            if (line is not null) return line;
            if (Process.HasExited)
            {
                Process.WaitForExit(); // drains the output events
                line = lines.FirstOrDefault(match);
                if (line is not null) return line;
                Assert.Fail($"process exited ({Process.ExitCode}) before {what}:\n{Output}");
            }
            if (clock.Elapsed > limit) Assert.Fail($"no {what} after {limit.TotalSeconds:0} s:\n{Output}");
            Thread.Sleep(20);
        }
    }

    public string WaitForLine(string contains, TimeSpan limit) => WaitForLine(l => l.Contains(contains, StringComparison.Ordinal), limit, $"'{contains}'");

    /// <summary>Sends a Unix signal (TERM, INT, KILL…) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{name}", Process.Id.ToString()])!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit (failing with the output after <paramref name="limit"/>) and returns the exit code.</summary>
    public int WaitForExit(TimeSpan limit)
    {
        Assert.True(Process.WaitForExit(limit), $"no exit within {limit.TotalSeconds:0} s:\n{Output}");
        Process.WaitForExit(); // drains the output events
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.WaitForExit(10_000);
        Process.Dispose();
    }
}
