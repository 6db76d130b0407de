using System.Diagnostics;

namespace FFActors.Cli.Tests;

/// <summary>The real executable: bad input gives one line on stderr naming the culprit and exit code 2.</summary>
[Collection("real executable")]
public class ProcessTests
{
    static (int Code, string Out, string Err) Ffactors(params string[] args) => FfactorsProcess.Run(args);

    /// <summary>
    /// `train` of a tiny 784-32-32 network on 200 images (two batches per epoch, a checkpoint at each epoch end, no head) for
    /// <paramref name="epochs"/> epochs, into run folder <paramref name="runs"/>/<paramref name="name"/>. An epoch takes
    /// milliseconds, so the first epoch line comes at once; the many epochs after it keep the run going for seconds, so a
    /// signal sent when that line appears always lands mid-run, however loaded the machine.
    /// </summary>
    static ProcessStartInfo TinyTrain(string runs, string name, int epochs, params string[] extra) =>
        FfactorsProcess.Command(["train", "--set", $"data.dir={RepoPaths.Data}", "--set", "data.train-limit=200", "--set", "data.test-limit=200",
            "--set", "model.layers=[784,32,32]", "--set", $"train.epochs={epochs}", "--set", "eval.head.epochs=0", "--set", $"run.name={name}",
            "--out", runs, .. extra]);

    /// <summary>Starts <paramref name="psi"/>, sends it SIGTERM as soon as a line starts with <paramref name="after"/>, and waits for its exit.</summary>
    static FfactorsProcess TerminateAfter(ProcessStartInfo psi, string after)
    {
        var p = FfactorsProcess.Start(psi);
        p.WaitForLine(l => l.StartsWith(after, StringComparison.Ordinal), TimeSpan.FromSeconds(120), $"a line starting with '{after}'");
        p.Signal("TERM");
        p.WaitForExit(TimeSpan.FromSeconds(60));
        return p;
    }

    [Fact]
    public void Corrupted_data_file_gives_one_line_naming_the_file()
    {
        var dir = Mnist.CopyOfShippedData();
        var mnist = Path.Combine(dir, "mnist");
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
        const int epochs = 60;
        var runs = Path.Combine(TempFolder.New(), "runs");
        using var p = TerminateAfter(TinyTrain(runs, "stopped", epochs), after: "epoch 1:");
        string all = p.Output;
        Assert.Equal(130, p.Process.ExitCode);
        Assert.Contains("SIGTERM: stopping after the batches in flight", all);
        Assert.Contains("continue with: ffactors train --resume", all);
        var run = Path.Combine(runs, "stopped");
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "latest")), all);
        Assert.DoesNotContain(p.Lines, l => l.StartsWith($"epoch {epochs}:"));

        var (code, stdout, err) = Ffactors("train", "--resume", run);
        Assert.True(code == 0, err + stdout);
        // Resumed where it stopped: the epochs trained before the signal are not trained again.
        Assert.DoesNotContain("\nepoch 1:", "\n" + stdout);
        Assert.Contains($"epoch {epochs}:", stdout);
        Assert.Contains("test accuracy", stdout);
    }

    [Fact]
    public void SIGTERM_stops_a_greedy_run_before_its_next_batch_and_resume_finishes_it_from_its_last_epoch()
    {
        const int epochs = 30; // per layer: 60 epochs in the greedy schedule
        var runs = Path.Combine(TempFolder.New(), "runs");
        using var p = TerminateAfter(TinyTrain(runs, "greedy", epochs, "--set", "train.schedule=greedy"), after: "epoch 1 (layer 0):");
        string all = p.Output;
        Assert.Equal(130, p.Process.ExitCode);
        Assert.Contains("SIGTERM: stopping before the next batch (greedy training resumes from its last finished epoch)", all);
        // The console wraps long lines at word boundaries.
        Assert.Contains("stopped; continue from the last checkpointed epoch with: ffactors train --resume",
            System.Text.RegularExpressions.Regex.Replace(all, @"\s+", " "));
        Assert.DoesNotContain(p.Lines, l => l.StartsWith($"epoch {epochs} (layer 1):"));
        var run = Path.Combine(runs, "greedy");
        Assert.True(File.Exists(Path.Combine(run, "metrics.json")), all);
        Assert.False(File.Exists(Path.Combine(run, "results.json")), all);
        var latest = File.ReadAllText(Path.Combine(run, "checkpoints", "latest")).Trim();

        var (code, stdout, err) = Ffactors("train", "--resume", run);
        Assert.True(code == 0, err + stdout);
        Assert.DoesNotContain("epoch 1 (layer 0):", stdout);
        Assert.Contains($"epoch {epochs} (layer 1):", stdout);
        Assert.Contains($"resumed from checkpoint {latest}", System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " "));
        Assert.Contains("test accuracy", stdout);
        Assert.True(File.Exists(Path.Combine(run, "results.json")), stdout);
        // Its training time counts the epochs the first process trained.
        using var results = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "results.json")));
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        double trained = metrics.RootElement.EnumerateArray().Sum(m => m.GetProperty("seconds").GetDouble());
        Assert.True(results.RootElement.GetProperty("train_seconds").GetDouble() >= trained, $"train_seconds below the epochs' {trained} s");
    }
}
