using System.Collections.Concurrent;
using System.Diagnostics;

namespace FFActors.Cli.Tests;

/// <summary>The real executable: bad input gives one line on stderr naming the culprit and exit code 2.</summary>
[Collection("real executable")]
public class ProcessTests
{
    /// <summary>The built executable with <paramref name="args"/>, both output streams redirected.</summary>
    internal static ProcessStartInfo Command(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ffactors.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Starts <paramref name="psi"/> and collects its lines as they come (stderr lines prefixed "err: ").</summary>
    static (Process Process, ConcurrentQueue<string> Lines) StartCollecting(ProcessStartInfo psi)
    {
        var p = Process.Start(psi)!;
        var lines = new ConcurrentQueue<string>();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue("err: " + e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return (p, lines);
    }

    /// <summary>`train` of 784-64-64 for 3 epochs of 30 000 images, no head, into run folder <paramref name="runs"/>/<paramref name="name"/>.</summary>
    static ProcessStartInfo SmallTrain(string runs, string name, params string[] extra) =>
        Command(["train", "--set", $"data.dir={RepoPaths.Data}", "--set", "data.train-limit=30000", "--set", "data.test-limit=200",
            "--set", "model.layers=[784,64,64]", "--set", "train.epochs=3", "--set", "eval.head.epochs=0", "--set", $"run.name={name}",
            "--out", runs, .. extra]);

    /// <summary>Starts <paramref name="psi"/>, sends it SIGTERM once a line starts with <paramref name="after"/>, and waits for it to exit.</summary>
    static (Process Process, ConcurrentQueue<string> Lines) TerminateAfter(ProcessStartInfo psi, string after)
    {
        var (p, lines) = StartCollecting(psi);
        var clock = Stopwatch.StartNew();
        while (!lines.Any(l => l.StartsWith(after)) && !p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(50);
        Assert.False(p.HasExited, string.Join("\n", lines));
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString()])) kill.WaitForExit();
        Assert.True(p.WaitForExit(60_000), "no exit within 60 s of SIGTERM:\n" + string.Join("\n", lines));
        p.WaitForExit();
        return (p, lines);
    }

    static (int Code, string Out, string Err) Ffactors(params string[] args)
    {
        using var p = Process.Start(Command(args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result.Trim());
    }

    [Fact]
    public void Corrupted_data_file_gives_one_line_naming_the_file()
    {
        var dir = RepoPaths.TempDir();
        var mnist = Directory.CreateDirectory(Path.Combine(dir, "mnist")).FullName;
        foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Data, "mnist")))
            File.Copy(f, Path.Combine(mnist, Path.GetFileName(f)));
        var broken = Path.Combine(mnist, "t10k-labels-idx1-ubyte.gz");
        var bytes = File.ReadAllBytes(broken);
        File.WriteAllBytes(broken, bytes[..(bytes.Length / 2)]); // truncated gzip stream

        var (code, _, err) = Ffactors("train", "--set", $"data.dir={dir}", "--set", "data.train-limit=100", "--out", Path.Combine(dir, "runs"));
        Assert.Equal(2, code);
        Assert.Single(err.Split('\n'));
        Assert.Contains(broken, err);
        Assert.False(Directory.Exists(Path.Combine(dir, "runs")));
    }

    [Fact]
    public void Unknown_key_exits_2_with_the_key()
    {
        var (code, _, err) = Ffactors("train", "--set", "train.epochz=1");
        Assert.Equal(2, code);
        Assert.Contains("train.epochz", err);
        Assert.Single(err.Split('\n'));
    }

    [Theory]
    [InlineData("--networks", "784,500;784,5x0", "'5x0'")]
    [InlineData("--networks", "100,500", "784")]
    [InlineData("--batch-sizes", "100,0", "'0'")]
    [InlineData("--rounds", "0", "0 must be at least 1")]
    [InlineData("--result", "/nonexistent-ffactors/pipeline.json", "/nonexistent-ffactors")]
    public void Bad_benchmark_network_or_batch_exits_2_naming_the_option_and_value(string option, string value, string named)
    {
        var (code, _, err) = Ffactors("bench", "pipeline", option, value, "--samples", "1000");
        Assert.Equal(2, code);
        Assert.Single(err.Split('\n'));
        Assert.Contains(option, err);
        Assert.Contains(named, err);
    }

    [Fact]
    public void SIGTERM_stops_a_run_at_a_checkpoint_it_resumes_from()
    {
        var dir = RepoPaths.TempDir();
        var runs = Path.Combine(dir, "runs");
        var (p, lines) = TerminateAfter(SmallTrain(runs, "stopped"), after: "epoch 1:");
        using var _ = p;
        string all = string.Join("\n", lines);
        Assert.Equal(130, p.ExitCode);
        Assert.Contains("SIGTERM: stopping after the batches in flight", all);
        Assert.Contains("continue with: ffactors train --resume", all);
        var run = Path.Combine(runs, "stopped");
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "latest")), all);
        Assert.DoesNotContain(lines, l => l.StartsWith("epoch 3:"));

        var (code, stdout, err) = Ffactors("train", "--resume", run);
        Assert.True(code == 0, err + stdout);
        Assert.Contains("epoch 3:", stdout);
        Assert.Contains("test accuracy", stdout);
    }

    [Fact]
    public void SIGTERM_stops_a_greedy_run_before_its_next_batch_and_resume_finishes_it_from_its_last_epoch()
    {
        var dir = RepoPaths.TempDir();
        var runs = Path.Combine(dir, "runs");
        var (p, lines) = TerminateAfter(SmallTrain(runs, "greedy", "--set", "train.schedule=greedy"), after: "epoch 1 (layer 0):");
        using var _ = p;
        string all = string.Join("\n", lines);
        Assert.Equal(130, p.ExitCode);
        Assert.Contains("SIGTERM: stopping before the next batch (greedy training resumes from its last finished epoch)", all);
        // The console wraps long lines at word boundaries.
        Assert.Contains("stopped; continue from the last checkpointed epoch with: ffactors train --resume",
            System.Text.RegularExpressions.Regex.Replace(all, @"\s+", " "));
        Assert.DoesNotContain(lines, l => l.StartsWith("epoch 3 (layer 1):"));
        var run = Path.Combine(runs, "greedy");
        Assert.True(File.Exists(Path.Combine(run, "metrics.json")), all);
        Assert.False(File.Exists(Path.Combine(run, "results.json")), all);
        var latest = File.ReadAllText(Path.Combine(run, "checkpoints", "latest")).Trim();

        var (code, stdout, err) = Ffactors("train", "--resume", run);
        Assert.True(code == 0, err + stdout);
        Assert.DoesNotContain("epoch 1 (layer 0):", stdout);
        Assert.Contains("epoch 3 (layer 1):", stdout);
        Assert.Contains($"resumed from checkpoint {latest}", System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " "));
        Assert.Contains("test accuracy", stdout);
        Assert.True(File.Exists(Path.Combine(run, "results.json")), stdout);
    }
}
