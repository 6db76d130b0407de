using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FFActors.Cli.Commands;
using FFActors.Cli.Output;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;

namespace FFActors.Cli.Tests;

/// <summary>
/// Faults and bad input a user meets (issue 30): every one ends in one clear line and a documented exit code, with
/// nothing mixed, lost or silently changed. Tiny runs (784-30-30, 1000 images, no head) keep the suite fast; it shares a
/// collection with <see cref="ProcessTests"/> so that its runs never load the cores while those wait for a line on a deadline.
/// </summary>
[Collection("real executable")]
public class FaultInjectionTests
{
    static string[] Tiny(string outDir, string name, params string[] extra) =>
    [
        $"data.dir={RepoPaths.Data}", "model.layers=[784, 30, 30]", "train.epochs=2", "data.train-limit=1000", "data.test-limit=200",
        "eval.head.epochs=0", $"run.out-dir={outDir}", $"run.name={name}", "run.threads=1", .. extra,
    ];

    /// <summary>A finished tiny run with a checkpoint after each of its two epochs; returns its folder.</summary>
    static string FinishedRun(string name = "r", params string[] extra)
    {
        var outDir = TempFolder.New();
        Assert.Equal(0, TrainCommand.Run(null, Tiny(outDir, name, extra)));
        return Path.Combine(outDir, name);
    }

    static string Checkpoint(string run, string id) => Path.Combine(run, "checkpoints", id);

    static string RunLog(string run) => File.ReadAllText(Path.Combine(run, "run.log"));

    /// <summary>Runs <paramref name="action"/> with a bound: a hang fails the test instead of stalling the suite.</summary>
    static T Within<T>(TimeSpan limit, Func<T> action)
    {
        var task = Task.Run(action);
        Assert.True(task.Wait(limit) || task.IsCompleted, $"no result within {limit.TotalSeconds:0} s (hang)");
        return task.GetAwaiter().GetResult();
    }

    // ------------------------------------------------------------------ run folders

    [Fact]
    public void Runs_started_at_once_under_one_generated_name_get_a_folder_each()
    {
        var outDir = TempFolder.New();
        using var start = new Barrier(8);
        var folders = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(_ =>
        {
            start.SignalAndWait();
            return RunFolder.Create(outDir, "20260101-000000-mnist-simultaneous", unique: true);
        }).ToArray();
        try
        {
            Assert.Equal(8, folders.Select(f => f.Path).Distinct().Count());
            foreach (var f in folders) Assert.True(File.Exists(Path.Combine(f.Path, RunLock.FileName)), f.Path);
        }
        finally
        {
            foreach (var f in folders) f.Dispose();
        }
        Assert.All(folders, f => Assert.False(File.Exists(Path.Combine(f.Path, RunLock.FileName)), "lock released"));
    }

    [Fact]
    public void An_explicitly_named_folder_that_a_running_run_just_claimed_is_refused()
    {
        var outDir = TempFolder.New();
        using var first = RunFolder.Create(outDir, "named");
        var e = Assert.Throws<IOException>(() => RunFolder.Create(outDir, "named"));
        Assert.Contains(Path.Combine(outDir, "named"), e.Message);
        Assert.Contains("already exists", e.Message);
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("a/b")]
    [InlineData("/tmp/ffactors-absolute")]
    [InlineData("..")]
    public void A_run_name_outside_the_out_dir_is_refused_before_anything_is_written(string name)
    {
        var root = TempFolder.New();
        var outDir = Path.Combine(root, "a", "b", "runs");
        var e = Assert.ThrowsAny<IOException>(() => TrainCommand.Run(null, Tiny(outDir, name)));
        Assert.Contains("run.name", e.Message);
        Assert.Equal(ExitCode.BadInput, Failure.Of(e).Code);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories), p => File.Exists(p));
        Assert.False(Directory.Exists("/tmp/ffactors-absolute"));
    }

    [Fact]
    public void A_resume_of_a_folder_another_live_process_holds_is_refused_naming_its_pid()
    {
        var run = FinishedRun();
        using var holder = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            File.WriteAllText(Path.Combine(run, RunLock.FileName),
                $"pid={holder.Id}\nhost={Environment.MachineName}\nstarted={holder.StartTime.ToUniversalTime():O}\n");
            var before = RunFiles.Weights(run);
            var e = Assert.Throws<RunFolderException>(() => TrainCommand.Resume(run, null, []));
            Assert.Contains($"in use by process {holder.Id}", e.Message);
            Assert.DoesNotContain("\n", e.Message);
            Assert.Equal(before, RunFiles.Weights(run));
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Fact]
    public void A_stale_lock_of_an_ended_process_is_taken_over_with_a_line_saying_so()
    {
        var run = FinishedRun();
        using var ended = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        ended.WaitForExit();
        File.WriteAllText(Path.Combine(run, RunLock.FileName), $"pid={ended.Id}\nhost={Environment.MachineName}\nstarted=2020-01-01T00:00:00.0000000Z\n");
        var said = new List<string>();
        using (var folder = RunFolder.Open(run, said.Add))
            Assert.Contains(said, l => l.Contains($"taking over the stale lock of process {ended.Id}"));
        Assert.False(File.Exists(Path.Combine(run, RunLock.FileName)));
        Assert.Equal(0, TrainCommand.Resume(run, null, []));
    }

    // ------------------------------------------------------------------ checkpoints

    [Fact]
    public void Every_checkpoint_has_a_manifest_and_only_the_last_k_are_kept()
    {
        var run = FinishedRun("keep", "train.epochs=4", "runtime.checkpoint-keep=3");
        var ids = Directory.GetDirectories(Path.Combine(run, "checkpoints")).Select(d => Path.GetFileName(d)!).Order().ToArray();
        Assert.Equal(["e0002-b000000", "e0003-b000000", "e0004-b000000"], ids);
        foreach (var id in ids)
        {
            var manifest = File.ReadAllLines(Path.Combine(Checkpoint(run, id), "manifest.sha256"));
            foreach (var f in new[] { "coordinator.bin", "layer0.bin", "layer1.bin" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(Checkpoint(run, id), f));
                Assert.Contains($"{Convert.ToHexStringLower(SHA256.HashData(bytes))}  {bytes.Length}  {f}", manifest);
            }
        }
    }

    [Fact]
    public void A_bit_flip_in_the_newest_checkpoint_falls_back_to_the_previous_one_and_ends_with_the_same_weights()
    {
        var run = FinishedRun();
        var before = RunFiles.Weights(run);
        var layer0 = Path.Combine(Checkpoint(run, "e0002-b000000"), "layer0.bin");
        var bytes = File.ReadAllBytes(layer0);
        bytes[^40] ^= 0x01; // a low bit of a stored value: a silent change in the result without the checksum
        File.WriteAllBytes(layer0, bytes);

        Assert.Equal(0, TrainCommand.Resume(run, null, []));
        var log = RunLog(run);
        Assert.Contains("skipped checkpoint", log);
        Assert.Contains("layer0.bin does not match its SHA-256", log);
        Assert.Contains("falling back to checkpoint", log);
        Assert.True(Directory.Exists(Checkpoint(run, "e0002-b000000.damaged")));
        // Epoch 2 was trained again from the epoch-1 checkpoint: the weights of the uninterrupted run.
        Assert.Equal(before, RunFiles.Weights(run));
    }

    [Fact]
    public void A_missing_layer_file_never_reaches_an_actor_and_with_no_intact_checkpoint_resume_is_a_one_line_error()
    {
        var run = FinishedRun();
        File.Delete(Path.Combine(Checkpoint(run, "e0002-b000000"), "layer1.bin"));
        Assert.Equal(0, Within(TimeSpan.FromSeconds(120), () => TrainCommand.Resume(run, null, [])));
        Assert.Contains("layer1.bin is missing", RunLog(run));

        foreach (var dir in Directory.GetDirectories(Path.Combine(run, "checkpoints")))
            if (File.Exists(Path.Combine(dir, "layer1.bin"))) File.Delete(Path.Combine(dir, "layer1.bin"));
        var e = Within(TimeSpan.FromSeconds(120), () => Assert.Throws<InvalidDataException>(() => TrainCommand.Resume(run, null, [])));
        Assert.Contains("no intact checkpoint", e.Message);
        Assert.Contains("layer1.bin is missing", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.Equal(ExitCode.BadInput, Failure.Of(e).Code);
    }

    [Fact]
    public void A_truncated_coordinator_file_is_an_error_naming_it()
    {
        var run = FinishedRun("trunc", "runtime.checkpoint-keep=1");
        var coordinator = Path.Combine(Checkpoint(run, "e0002-b000000"), "coordinator.bin");
        var bytes = File.ReadAllBytes(coordinator);
        File.WriteAllBytes(coordinator, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => TrainCommand.Resume(run, null, []));
        Assert.Contains("coordinator.bin", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_missing_latest_pointer_resumes_from_the_newest_intact_checkpoint_instead_of_starting_over()
    {
        var run = FinishedRun();
        var before = RunFiles.Weights(run);
        File.Delete(Path.Combine(run, "checkpoints", "latest"));
        var metrics = EpochSeconds(run);
        Assert.Equal(0, TrainCommand.Resume(run, null, []));
        Assert.Contains("latest is missing", RunLog(run));
        Assert.Contains("using the newest intact checkpoint", RunLog(run));
        Assert.Equal(before, RunFiles.Weights(run));
        // Nothing was trained again: both epochs keep the times they were trained in.
        Assert.Equal(metrics, EpochSeconds(run));
    }

    static double[] EpochSeconds(string run) =>
        [.. System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.EnumerateArray().Select(e => e.GetProperty("seconds").GetDouble())];

    [Fact]
    public void A_checkpoint_written_before_manifests_resumes_unverified_and_says_so()
    {
        var run = FinishedRun();
        var before = RunFiles.Weights(run);
        foreach (var dir in Directory.GetDirectories(Path.Combine(run, "checkpoints"))) File.Delete(Path.Combine(dir, "manifest.sha256"));
        Assert.Equal(0, TrainCommand.Resume(run, null, []));
        Assert.Contains("has no manifest", RunLog(run));
        Assert.Contains("unverified", RunLog(run));
        Assert.Equal(before, RunFiles.Weights(run));
    }

    // ------------------------------------------------------------------ data

    /// <summary>An IDX images file of <paramref name="count"/> <paramref name="side"/>×<paramref name="side"/> images, gzipped.</summary>
    static void WriteImages(string path, int count, int side, bool gzip = true)
    {
        var idx = new byte[16 + count * side * side];
        idx[2] = 0x08;
        idx[3] = 3;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(4), count);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(8), side);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(12), side);
        new Random(1).NextBytes(idx.AsSpan(16));
        if (!gzip)
        {
            File.WriteAllBytes(path, idx);
            return;
        }
        using var f = File.Create(path);
        using var gz = new GZipStream(f, CompressionLevel.Fastest);
        gz.Write(idx);
    }

    [Fact]
    public void A_test_set_of_another_image_size_is_refused_before_a_run_folder_exists()
    {
        var data = Mnist.CopyOfShippedData();
        var test = Path.Combine(data, "mnist", "t10k-images-idx3-ubyte.gz");
        WriteImages(test, 10000, 32);
        var outDir = Path.Combine(data, "runs");
        var e = Within(TimeSpan.FromSeconds(120), () => Assert.ThrowsAny<Exception>(() => TrainCommand.Run(null, [.. Tiny(outDir, "shape"), $"data.dir={data}"])));
        Assert.Contains(test, e.Message);
        Assert.Contains("32×32", e.Message);
        Assert.Equal(ExitCode.BadInput, Failure.Of(e).Code);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Images_of_another_size_under_the_mnist_name_are_refused_even_when_the_model_fits_them()
    {
        var data = Mnist.CopyOfShippedData();
        WriteImages(Path.Combine(data, "mnist", "train-images-idx3-ubyte.gz"), 60000, 32);
        WriteImages(Path.Combine(data, "mnist", "t10k-images-idx3-ubyte.gz"), 10000, 32);
        var outDir = Path.Combine(data, "runs");
        var e = Assert.ThrowsAny<Exception>(() => TrainCommand.Run(null, [.. Tiny(outDir, "big"), $"data.dir={data}", "model.layers=[1024, 30]"]));
        Assert.Contains("mnist images are 28×28", e.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_gz_file_that_is_not_gzip_is_reported_as_such()
    {
        var data = Mnist.CopyOfShippedData();
        var test = Path.Combine(data, "mnist", "t10k-images-idx3-ubyte.gz");
        WriteImages(test, 10, 28, gzip: false);
        var e = Assert.ThrowsAny<Exception>(() => TrainCommand.Run(null, [.. Tiny(Path.Combine(data, "runs"), "gz"), $"data.dir={data}"]));
        Assert.Contains(test, e.Message);
        Assert.Contains("not a gzip file", e.Message);
        Assert.DoesNotContain("magic", e.Message);
    }

    // ------------------------------------------------------------------ one failure path

    [Fact]
    public void Exceptions_map_to_the_documented_exit_codes_with_one_line()
    {
        Assert.Equal(ExitCode.Diverged, Failure.Of(new PipelineFaultException(PipelineFault.Diverged, "layer 0 keeps failing (layer 0 at epoch 1 batch 1: non-finite result (loss NaN, goodness NaN/NaN)); gave up", [])).Code);
        Assert.Equal(ExitCode.ClusterLost, Failure.Of(new PipelineFaultException(PipelineFault.ClusterLost, "layer 1 lost (host down) and no layer host is left", [])).Code);
        // The kind decides, not the words: an error whose text happens to say "non-finite" is no divergence.
        Assert.Equal(ExitCode.Other, Failure.Of(new PipelineFaultException(PipelineFault.LayerFailing, "layer 0 keeps failing (reading non-finite.bin: denied)", [])).Code);
        var denied = Failure.Of(new AggregateException(new UnauthorizedAccessException("Access to the path '/data/mnist/train-images-idx3-ubyte.gz' is denied.")));
        Assert.Equal(ExitCode.BadInput, denied.Code);
        Assert.Contains("/data/mnist/train-images-idx3-ubyte.gz", denied.Line);
        Assert.Equal(ExitCode.BadInput, Failure.Of(new CryptographicException("bad password")).Code);
        Assert.Equal(ExitCode.Stopped, Failure.Of(new OperationCanceledException()).Code);
        var other = Failure.Of(new InvalidOperationException("two\nlines"));
        Assert.Equal(ExitCode.Other, other.Code);
        Assert.DoesNotContain("\n", other.Line);
    }

    [Fact]
    public void A_failure_in_a_run_with_a_checkpoint_is_logged_and_names_the_resume_command()
    {
        var run = FinishedRun();
        var e = new PipelineFaultException(PipelineFault.ClusterLost, "layer 1 lost (node gone) and no layer host is left", ["layer 1 lost"]);
        Assert.False(Failure.InRun(e, run));
        var err = new StringWriter();
        Assert.Equal(ExitCode.ClusterLost, Failure.Report(e, verbose: false, err));
        var lines = err.ToString().TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("ffactors: error: cluster lost: layer 1 lost", lines[0]);
        Assert.Contains($"ffactors train --resume {run}", lines[1]);
        Assert.Contains("failed (exit 4): cluster lost", RunLog(run));
        Assert.DoesNotContain(" at ", err.ToString()); // no stack trace without --verbose
    }

    [Fact]
    public void A_wrong_certificate_password_or_a_crt_for_a_pfx_names_the_file_and_the_key()
    {
        var dir = TempFolder.New();
        var pfx = Certificates.SelfSigned(dir, "node", "right");
        using var cert = X509CertificateLoader.LoadPkcs12FromFile(pfx, "right");
        var crt = Path.Combine(dir, "node.crt");
        File.WriteAllText(crt, cert.ExportCertificatePem());
        foreach (var (path, password) in new[] { (pfx, "wrong"), (crt, "right") })
        {
            var e = Assert.Throws<ClusterSetupException>(() => TlsSetup.Load(new TlsOptions(true, path, password, [])));
            Assert.Contains(path, e.Message);
            Assert.Contains("cluster.tls.certificate-password", e.Message);
            Assert.Equal(ExitCode.BadInput, Failure.Of(e).Code);
        }
    }

    // ------------------------------------------------------------------ the executable

    static ProcessStartInfo Command(params string[] args) => FfactorsProcess.Command(args);

    static (int Code, string Out, string Err) Ffactors(params string[] args) => FfactorsProcess.Run(FfactorsProcess.Command(args), TimeSpan.FromSeconds(180));

    static string[] TinyArgs(string outDir, string name, params string[] extra) =>
        [.. Tiny(outDir, name, extra).SelectMany(s => new[] { "--set", s })];

    [Fact]
    public void A_diverging_run_exits_3_saying_so_in_one_line_and_in_its_run_log()
    {
        var outDir = TempFolder.New();
        var (code, stdout, err) = Ffactors(["train", .. TinyArgs(outDir, "div", "train.optimizer.lr=1e20")]);
        Assert.True(code == ExitCode.Diverged, $"exit {code}: {err}\n{stdout}");
        var first = err.Split('\n')[0];
        Assert.StartsWith("ffactors: error: training diverged:", first);
        Assert.Contains("non-finite", first);
        Assert.DoesNotContain("   at ", err);
        Assert.Contains("failed (exit 3): training diverged", RunLog(Path.Combine(outDir, "div")));
    }

    [Theory]
    [InlineData("out-under-a-file")]
    [InlineData("config-is-a-folder")]
    [InlineData("bad-syntax")]
    public void Bad_input_on_the_command_line_exits_2_with_one_line_naming_it(string fault)
    {
        var dir = TempFolder.New();
        var file = Path.Combine(dir, "a-file");
        File.WriteAllText(file, "x");
        var (args, named) = fault switch
        {
            "out-under-a-file" => ((string[])["train", .. TinyArgs(Path.Combine(file, "runs"), "x")], $"run.out-dir: cannot create {Path.Combine(file, "runs")}"),
            "config-is-a-folder" => (["train", "--config", dir, .. TinyArgs(Path.Combine(dir, "runs"), "x")], dir),
            _ => (["train", "--out", dir, "--out", dir], "--out"),
        };
        var (code, stdout, err) = Ffactors(args);
        Assert.True(code == ExitCode.BadInput, $"exit {code}: {err}\n{stdout}");
        Assert.Single(err.Split('\n'));
        Assert.Contains(named, err);
    }

    [Fact]
    public void A_second_SIGTERM_ends_the_process_at_once_with_exit_130()
    {
        var outDir = TempFolder.New();
        using var p = FfactorsProcess.Start(Command(["train", .. TinyArgs(outDir, "term", "train.epochs=200", "data.train-limit=20000")]));
        p.WaitForLine(l => l.StartsWith("run ", StringComparison.Ordinal), TimeSpan.FromSeconds(120), "the run line");
        for (int i = 0; i < 2; i++)
        {
            p.Signal("TERM");
            Thread.Sleep(300);
        }
        Assert.Equal(ExitCode.Stopped, p.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Contains(p.Lines, l => l.Contains("SIGTERM again: aborting"));
    }
}
