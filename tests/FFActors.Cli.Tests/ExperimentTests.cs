using System.Text.Json;
using FFActors.Cli.Commands;
using FFActors.Cli.Configuration;
using FFActors.Cli.Experiments;

namespace FFActors.Cli.Tests;

/// <summary>The experiment runner on the shipped quick profiles (real MNIST / Fashion-MNIST subsets, fixed seeds).</summary>
public class ExperimentTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly string[] Data = [$"data.dir={RepoPaths.Data}"];

    /// <summary>
    /// The quick profiles (60–120 Adam steps) have not yet learned to score labels by goodness (measured 0.4–40 %: the
    /// early phase, at or below chance), but their softmax head is far above chance (27–62 %): the head is held to chance
    /// on the 1000 test images, and the goodness figure to being the arm's run's own (<see cref="AssertFiguresAreTheRuns"/>).
    /// </summary>
    static readonly double HeadFloor = Chance.Bound(10, 1000);

    /// <summary>An arm's reported figures are its run folder's: the experiment neither recomputes nor mixes them up.</summary>
    static void AssertFiguresAreTheRuns(string outDir)
    {
        var files = Directory.GetFiles(Path.Combine(outDir, "arms"), ArmRunner.ResultFile, SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var metrics = JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("metrics");
            var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(file)!, "run", "results.json"))).RootElement;
            Assert.Equal(run.GetProperty("goodness_accuracy").GetDouble(), metrics.GetProperty("goodness").GetDouble());
            Assert.Equal(run.GetProperty("head_accuracy").GetDouble(), metrics.GetProperty("head").GetDouble());
        }
    }

    /// <summary>An experiment file of <paramref name="text"/> in a new folder, and the output folder beside it.</summary>
    static (string Dir, string File, string OutDir) ExperimentFile(string text)
    {
        var dir = TempFolder.New();
        var file = Path.Combine(dir, "experiment.conf");
        File.WriteAllText(file, text);
        return (dir, file, Path.Combine(dir, "out"));
    }

    static string Shipped(string name) => Path.Combine(RepoPaths.Root, "samples", "experiments", name);

    static JsonElement Results(string outDir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json"))).RootElement;

    /// <summary>Finish time of every arm-seed's result.json (changes only when it ran again).</summary>
    static Dictionary<string, string> FinishTimes(string outDir) =>
        Directory.GetFiles(Path.Combine(outDir, "arms"), ArmRunner.ResultFile, SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(outDir, f), f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("finished").GetString()!);

    static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"missing {path}");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000 && bytes[0] == 0x89 && bytes[1] == (byte)'P', $"{path} is not a PNG");
    }

    [Fact]
    public void Transfer_quick_profile_writes_table_and_charts_with_one_head_budget_and_resumes()
    {
        var outDir = TempFolder.New();
        Assert.Equal(0, ExperimentCommand.Run(Shipped("transfer.conf"), quick: true, outDir: outDir, parallel: 1, sets: Data));

        foreach (var png in new[] { "accuracy.png", "curves.png", "embedding.png" }) AssertPng(Path.Combine(outDir, png));
        var md = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.Contains("Head budget, identical for every arm: 3 epochs of Adam, lr 0.001, batch 100", md);
        foreach (var arm in new[] { "| ff |", "| random |", "| backprop |", "| pixels |", "| rbm |", "| dbn |", "| cwc |", "| cwc-random |" }) Assert.Contains(arm, md);

        var runs = Results(outDir).GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(8, runs.Count);
        Assert.All(runs, r => Assert.Equal("ok", r.GetProperty("status").GetString()));
        // Every arm was probed with the same budget, and it is the one the experiment states.
        var budgets = runs.Select(r => r.GetProperty("probe").GetRawText()).Distinct().ToList();
        Assert.Single(budgets);
        var probe = runs[0].GetProperty("probe");
        Assert.Equal(3, probe.GetProperty("epochs").GetInt32());
        Assert.Equal(0.001, probe.GetProperty("learning_rate").GetDouble());
        Assert.Equal(100, probe.GetProperty("batch_size").GetInt32());
        foreach (var r in runs)
        {
            var m = r.GetProperty("metrics");
            // Ten Fashion-MNIST classes: every feature set must be far above chance on real data.
            Assert.InRange(m.GetProperty("probe_all").GetDouble(), 0.4, 1.0);
            Assert.Equal(3, r.GetProperty("curves").EnumerateObject().First(c => c.Name.StartsWith("probe validation", StringComparison.Ordinal)).Value.GetArrayLength());
            if (r.GetProperty("arm").GetString() != "pixels") Assert.InRange(m.GetProperty("probe_last").GetDouble(), 0.4, 1.0);
        }
        Assert.True(runs.Single(r => r.GetProperty("arm").GetString() == "backprop").GetProperty("metrics").GetProperty("source_accuracy").GetDouble() > 0.85);
        // The RBM arms: one RBM of 500 hidden units, and a DBN of the FF widths (two RBMs, one reconstruction curve each).
        var rbm = runs.Single(r => r.GetProperty("arm").GetString() == "rbm");
        Assert.Equal(500, rbm.GetProperty("metrics").GetProperty("features_all").GetDouble());
        var dbn = runs.Single(r => r.GetProperty("arm").GetString() == "dbn");
        Assert.Equal(200 + 200, dbn.GetProperty("metrics").GetProperty("features_all").GetDouble());
        Assert.Equal(2, dbn.GetProperty("curves").EnumerateObject().Count(c => c.Name.EndsWith("reconstruction error", StringComparison.Ordinal)));
        // The CwC arm learned its source task (GA of two small blocks after 2 short epochs: 32.50 % here, chance 10 %)
        // and its features are the pooled blocks: 2×2 per channel.
        var cwc = runs.Single(r => r.GetProperty("arm").GetString() == "cwc").GetProperty("metrics");
        Assert.True(cwc.GetProperty("source_goodness").GetDouble() > 0.25, $"CwC source accuracy {cwc.GetProperty("source_goodness").GetDouble()}");
        Assert.Equal((20 + 80) * 4, cwc.GetProperty("features_all").GetDouble());
        Assert.Equal(80 * 4, cwc.GetProperty("features_last").GetDouble());
        foreach (var arm in new[] { "ff", "random", "backprop" })
            Assert.True(File.Exists(Path.Combine(outDir, "arms", arm, "seed-1", ArmRunner.EmbeddingFile)), $"no embedding for {arm}");
        Assert.True(File.Exists(Path.Combine(outDir, "arms", "ff", "seed-1", "run", "weights", "layer1.pt")), "the FF arm did not write its run folder");

        // A second run finds every arm-seed finished with the same configuration and runs nothing.
        var before = FinishTimes(outDir);
        Assert.Equal(0, ExperimentCommand.Run(Shipped("transfer.conf"), quick: true, outDir: outDir, parallel: 1, sets: Data));
        Assert.Equal(before, FinishTimes(outDir));
        Assert.Equal(8, Results(outDir).GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public void Negatives_quick_profile_trains_every_kind_of_strategy_and_scores_label_free_ones_by_the_probe_alone()
    {
        var outDir = TempFolder.New();
        // 100 batches of the quick profile's network (its own epoch of 600 is what the shipped profile needs to score above chance).
        Assert.Equal(0, ExperimentCommand.Run(Shipped("negatives.conf"), quick: true, outDir: outDir, parallel: 1, sets: [.. Data, "data.train-limit=10000"]));

        AssertPng(Path.Combine(outDir, "accuracy.png"));
        var runs = Results(outDir).GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(6, runs.Count);
        Assert.All(runs, r => Assert.Equal("ok", r.GetProperty("status").GetString()));
        foreach (var r in runs)
        {
            var arm = r.GetProperty("arm").GetString()!;
            var m = r.GetProperty("metrics");
            bool labelFree = arm is "negatives=hinton-hybrid" or "negatives=self-contrastive";
            Assert.Equal(!labelFree, m.TryGetProperty("goodness", out _));
            // Ten MNIST classes: the head (or probe) must be far above chance.
            Assert.InRange(m.GetProperty("head").GetDouble(), 0.3, 1.0);
        }
        var md = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.DoesNotContain("NaN", md);
        Assert.Contains("| negatives=adversarial | train | `train.negatives=adversarial` |", md);
    }

    [Fact]
    public void Collaboration_quick_profile_runs_and_reruns_only_the_arm_whose_config_changed()
    {
        var dir = TempFolder.New();
        var file = Path.Combine(dir, "collaboration.conf");
        File.Copy(Shipped("collaboration.conf"), file);
        var outDir = Path.Combine(dir, "out");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Five arms of the grid (--only: both exchanges), on a smaller network and subset than the quick profile's: this checks the plumbing.
        string[] only = ["s0", "scale=0.7,mode=all,exchange=exact", "scale=0.7,mode=all,exchange=stale", "scale=0.3,mode=previous,exchange=exact", "scale=1.0,mode=next,exchange=stale"];
        string[] sets = [.. Data, "data.train-limit=4000", "model.layers=[784, 100, 100]", "train.epochs=2"];
        Assert.Equal(0, ExperimentCommand.Run(file, quick: true, outDir: outDir, parallel: 2, sets: sets, only: only));
        double wall = clock.Elapsed.TotalSeconds;
        var runs = Results(outDir).GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(5, runs.Count);
        foreach (var r in runs)
        {
            Assert.Equal("ok", r.GetProperty("status").GetString());
            var m = r.GetProperty("metrics");
            double goodness = m.GetProperty("goodness").GetDouble(), head = m.GetProperty("head").GetDouble(), rate = m.GetProperty("samples_per_s").GetDouble();
            output.WriteLine($"{r.GetProperty("arm").GetString()}: goodness {goodness:P2}, head {head:P2}, {rate:F0} samples/s");
            Assert.True(head > HeadFloor, $"head {head:P2}");
            // An epoch of the 3000 training images cannot have taken longer than the whole experiment: a rate in the wrong
            // unit (per ms) or of the wrong count (batches) falls below this.
            Assert.True(rate >= 3000 / wall, $"{rate:F1} samples/s, but the experiment took {wall:F0} s");
        }
        AssertFiguresAreTheRuns(outDir);
        var md = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.Contains("`train.collaboration.exchange=stale`", md);
        AssertPng(Path.Combine(outDir, "accuracy.png"));
        AssertPng(Path.Combine(outDir, "curves.png"));

        var before = FinishTimes(outDir);
        File.WriteAllText(file, File.ReadAllText(file).Replace("set { train.collaboration.scale = 0 }", "set { train.collaboration.scale = 0, eval.head.lr = 0.002 }"));
        Assert.Equal(0, ExperimentCommand.Run(file, quick: true, outDir: outDir, parallel: 2, sets: sets, only: only));
        var after = FinishTimes(outDir);
        foreach (var (key, time) in before)
        {
            bool s0 = key.Contains(Path.Combine("arms", "s0"), StringComparison.Ordinal);
            Assert.True(s0 ? after[key] != time : after[key] == time, $"{key}: {(s0 ? "not rerun after its config changed" : "rerun although unchanged")}");
        }
    }

    [Fact]
    public void Free_riding_quick_profile_runs_every_remedy_and_reports_each_layers_own_separation()
    {
        var outDir = TempFolder.New();
        Assert.Equal(0, ExperimentCommand.Run(Shipped("free-riding.conf"), quick: true, outDir: outDir, parallel: 2,
            sets: [.. Data, "data.train-limit=4000", "model.layers=[784, 100, 100, 100]", "train.epochs=3"]));
        var runs = Results(outDir).GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(new[] { "depth-scaled", "hardness-gated", "none", "per-block" }, runs.Select(r => r.GetProperty("arm").GetString()!).Order());
        foreach (var r in runs)
        {
            Assert.Equal("ok", r.GetProperty("status").GetString());
            var m = r.GetProperty("metrics");
            // The quick profile (4000 images, 3 epochs) is no finding about the remedies, but every arm learns: its head is
            // above chance, and the first layer (whose γ is empty in mode previous, so no remedy touches it) separates
            // positives from negatives better than an untrained layer's half (measured 69–73 %).
            double goodness = m.GetProperty("goodness").GetDouble(), head = m.GetProperty("head").GetDouble();
            output.WriteLine($"{r.GetProperty("arm").GetString()}: goodness {goodness:P2}, head {head:P2}, own separation per layer " +
                string.Join(", ", Enumerable.Range(0, 3).Select(l => m.GetProperty($"sep_layer{l}").GetDouble().ToString("P1"))));
            Assert.True(head > HeadFloor, $"head {head:P2}");
            Assert.True(m.GetProperty("sep_layer0").GetDouble() > 0.6, $"layer 0 separation {m.GetProperty("sep_layer0").GetDouble():P1}");
            for (int l = 0; l < 3; l++)
            {
                Assert.InRange(m.GetProperty($"sep_layer{l}").GetDouble(), 0.0, 1.0);
                Assert.True(double.IsFinite(m.GetProperty($"gap_layer{l}").GetDouble()));
            }
            Assert.Equal(3, r.GetProperty("curves").GetProperty("layer 2 goodness gap").GetArrayLength());
        }
        AssertFiguresAreTheRuns(outDir);
        var md = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.Contains("`train.collaboration.remedy=hardness-gated`", md);
        Assert.Contains("layer 2 own separation at θ", md);
        Assert.DoesNotContain("NaN", md);
    }

    const string Tiny = """
        experiment {
          name = tiny
          seeds = [1]
          set {
            data.train-limit = 1000
            data.test-limit = 300
            model.layers = [784, 32]
            train.epochs = 1
            eval.head.epochs = 1
          }
          arms {
            good { note = "fine" }
            broken { set { model.layers = [100, 32] } }
          }
        }
        """;

    [Fact]
    public void A_failing_arm_is_reported_and_the_others_finish()
    {
        var (_, file, outDir) = ExperimentFile(Tiny);
        Assert.Equal(1, ExperimentCommand.Run(file, outDir: outDir, parallel: 2, sets: Data));
        var runs = Results(outDir).GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("arm").GetString()!);
        Assert.Equal("ok", runs["good"].GetProperty("status").GetString());
        Assert.Equal("failed", runs["broken"].GetProperty("status").GetString());
        Assert.Contains("model.layers: the first entry must be the image size 784", runs["broken"].GetProperty("error").GetString());
        var md = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.Contains("Failed arm-seeds", md);
        Assert.Contains("| broken | train | `model.layers=[100, 32]` | 0 (1 failed) |", md);

        // On the next run the finished arm is skipped and the failed one is tried again.
        var good = FinishTimes(outDir).Single(k => k.Key.Contains("good")).Value;
        Assert.Equal(1, ExperimentCommand.Run(file, outDir: outDir, parallel: 2, sets: Data));
        Assert.Equal(good, FinishTimes(outDir).Single(k => k.Key.Contains("good")).Value);
    }

    const string Stoppable = """
        experiment {
          name = stoppable
          seeds = [1]
          set {
            data.train-limit = 1000
            data.test-limit = 300
            model.layers = [784, 32, 32]
            train.epochs = 2
            eval.head.epochs = 1
          }
          arms {
            trained { }
            features { kind = ff-features }
          }
          transfer {
            target = fashion-mnist
            train-limit = 600
            validation = 100
            test-limit = 200
            probe { epochs = 1, lr = 0.001, batch-size = 100 }
          }
        }
        """;

    [Fact]
    public void An_arm_seed_stopped_in_its_training_continues_from_its_checkpoint_to_the_same_weights()
    {
        var (_, file, outDir) = ExperimentFile(Stoppable);
        Assert.Equal(0, ExperimentCommand.Run(file, outDir: outDir, parallel: 1, sets: Data));
        var arms = new[] { "trained", "features" };
        string Seed(string arm) => Path.Combine(outDir, "arms", arm, "seed-1");
        var weights = arms.ToDictionary(a => a, a => RunFiles.Weights(Path.Combine(Seed(a), "run")));
        var metrics = arms.ToDictionary(a => a, a => JsonDocument.Parse(File.ReadAllText(Path.Combine(Seed(a), ArmRunner.ResultFile))).RootElement.GetProperty("metrics").GetRawText());

        // What a process stopped during epoch 2 leaves: the epoch-1 checkpoint, no weights, no result; and a stray file.
        foreach (var arm in arms)
        {
            var run = Path.Combine(Seed(arm), "run");
            Directory.Delete(Path.Combine(run, "checkpoints", "e0002-b000000"), recursive: true);
            Directory.Delete(Path.Combine(run, "weights"), recursive: true);
            File.Delete(Path.Combine(Seed(arm), ArmRunner.ResultFile));
            File.WriteAllText(Path.Combine(Seed(arm), "stray.txt"), "left by the stopped process");
        }
        Assert.Equal(0, ExperimentCommand.Run(file, outDir: outDir, parallel: 1, sets: Data));
        foreach (var arm in arms)
        {
            var run = Path.Combine(Seed(arm), "run");
            Assert.Contains("resumed from", File.ReadAllText(Path.Combine(run, "run.log")));
            Assert.Contains("e0001-b000000", File.ReadAllText(Path.Combine(run, "run.log")));
            Assert.False(File.Exists(Path.Combine(Seed(arm), "stray.txt")), $"{arm}: the stopped arm-seed's other files are written again");
            Assert.True(weights[arm].SequenceEqual(RunFiles.Weights(run), ByteArrays), $"{arm}: the continued run's weights differ");
            var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(Seed(arm), ArmRunner.ResultFile))).RootElement;
            var again = result.GetProperty("metrics");
            // Its time counts the epoch its checkpoint had behind it.
            double before = again.GetProperty(ArmRunner.SecondsBeforeResume).GetDouble();
            Assert.True(before > 0 && result.GetProperty("seconds").GetDouble() > before, $"{arm}: seconds {result.GetProperty("seconds").GetDouble()}, before the resume {before}");
            foreach (var m in JsonDocument.Parse(metrics[arm]).RootElement.EnumerateObject().Where(m => m.Name.Contains("goodness") || m.Name.Contains("head") || m.Name.StartsWith("probe_", StringComparison.Ordinal)))
                Assert.Equal(m.Value.GetDouble(), again.GetProperty(m.Name).GetDouble());
        }

        // A run folder of another configuration is not continued: the arm-seed starts again.
        File.Delete(Path.Combine(Seed("trained"), ArmRunner.ResultFile));
        File.AppendAllText(Path.Combine(Seed("trained"), "run", "config.conf"), "\n# edited\n");
        Assert.Equal(0, ExperimentCommand.Run(file, outDir: outDir, parallel: 1, sets: Data));
        var log = Path.Combine(Seed("trained"), "run", "run.log");
        Assert.False(File.Exists(log) && File.ReadAllText(log).Contains("resumed from"), "a run of another configuration was continued");
        Assert.True(weights["trained"].SequenceEqual(RunFiles.Weights(Path.Combine(Seed("trained"), "run")), ByteArrays));
    }

    [Fact]
    public void A_stopped_experiment_exits_130_and_its_rerun_continues_the_stopped_arm_seed()
    {
        var (dir, file, outDir) = ExperimentFile(Stoppable.Replace("train.epochs = 2", "train.epochs = 6").Replace("data.train-limit = 1000", "data.train-limit = 3000"));
        string[] only = ["trained"];
        var run = Path.Combine(outDir, "arms", "trained", "seed-1", "run");
        // Stopped (as Ctrl-C or SIGTERM would) once the first epoch's checkpoint is written.
        using var stop = new CancellationTokenSource();
        var watcher = new Thread(() =>
        {
            while (!stop.IsCancellationRequested && !File.Exists(Path.Combine(run, "checkpoints", "latest"))) Thread.Sleep(5);
            stop.Cancel();
        }) { IsBackground = true };
        watcher.Start();
        Assert.Equal(ExitCode.Stopped, ExperimentCommand.Run(file, outDir: outDir, parallel: 1, sets: Data, cancel: stop.Token, only: only,
            result: Path.Combine(dir, "result.json")));
        watcher.Join();
        var stopped = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "arms", "trained", "seed-1", ArmRunner.ResultFile))).RootElement;
        Assert.Equal(ArmResult.Stopped, stopped.GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(dir, "result.json")), "a stopped experiment wrote a result file");
        // The table counts it as stopped, not failed, and lists no failure.
        var table = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.Contains("| 0 (1 stopped) |", table);
        Assert.DoesNotContain("failed", table);

        Assert.Equal(0, ExperimentCommand.Run(file, outDir: outDir, parallel: 1, sets: Data, only: only, result: Path.Combine(dir, "result.json")));
        Assert.Contains("resumed from", File.ReadAllText(Path.Combine(run, "run.log")));
        var unstopped = Path.Combine(dir, "unstopped");
        Assert.Equal(0, ExperimentCommand.Run(file, outDir: unstopped, parallel: 1, sets: Data, only: only));
        Assert.True(RunFiles.Weights(Path.Combine(unstopped, "arms", "trained", "seed-1", "run")).SequenceEqual(RunFiles.Weights(run), ByteArrays),
            "the continued arm-seed's weights differ from an unstopped one's");
    }

    static readonly IEqualityComparer<byte[]> ByteArrays = EqualityComparer<byte[]>.Create((a, b) => a!.AsSpan().SequenceEqual(b), a => a.Length);

    static ConfigException LoadFails(string text)
    {
        var file = Path.Combine(TempFolder.New(), "bad.conf");
        File.WriteAllText(file, text);
        var e = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(file, quick: true));
        Assert.Contains(file, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void Experiment_files_are_checked_like_train_configs()
    {
        Assert.Contains("unknown key 'train.epocs' (did you mean 'train.epochs'?)", LoadFails("experiment { arms { a { set { train.epocs = 2 } } } }").Message);
        Assert.Contains("experiment.set: unknown key 'model.layerz'", LoadFails("experiment {\n arms { a {} }\n set { model.layerz = [784, 10] }\n}").Message);
        Assert.Contains("unknown key 'experiment.sedes'", LoadFails("experiment { sedes = [1], arms { a {} } }").Message);
        Assert.Contains("experiment.arms.a: unknown key 'kindd'", LoadFails("experiment { arms { a { kindd = train } } }").Message);
        Assert.Contains("experiment.arms.a.kind: 'magic' is not one of train, ff-features", LoadFails("experiment { arms { a { kind = magic } } }").Message);
        Assert.Contains("train.epochs: expected an integer, got 'many'", LoadFails("experiment { arms { a { set { train.epochs = many } } } }").Message);
        Assert.Contains("transfer.probe.epochs", LoadFails("experiment {\n arms { a {} }\n transfer { probe { epochs = 0 } }\n}").Message);
        Assert.Contains("transfer.rbm.k", LoadFails("experiment {\n arms { a {} }\n transfer { rbm { k = 0 } }\n}").Message);
        // Bernoulli visible units need pixels in [0, 1]: an RBM arm on standardised pixels is refused before anything runs.
        Assert.Contains("experiment.arms.r: data.normalization: rbm-features reads pixel intensities as the probabilities of Bernoulli units and needs unit",
            LoadFails("experiment { arms { r { kind = rbm-features } } }").Message);
        Assert.Contains("quick profile cannot change arms", LoadFails("experiment {\n arms { a {} }\n quick { arms { b {} } }\n}").Message);
        Assert.Contains("experiment.grid: train.collaboration.scale: expected a non-empty list", LoadFails("experiment { grid { train.collaboration.scale = 0.5 } }").Message);
        Assert.Contains("only: no arm named 'c'", LoadFails("experiment {\n arms { a {} }\n quick { only = [c] }\n}").Message);
        // A setting the arm's model cannot take is refused when the file loads, before any arm runs.
        Assert.Contains("experiment.arms.a (eval.head.layers=[3]): eval.head.layers: layer 3 does not exist (the model has layers 0..2)",
            LoadFails("experiment { arms { a { set { eval.head.layers = [3] } } } }").Message);
    }

    [Fact]
    public void Arms_may_set_only_the_negative_strategy_and_grids_expand_in_order()
    {
        // negatives.conf (written later) sets only the strategy (and its parameters) per arm.
        var key = ConfigLoader.Reference.HasPath("train.negatives.strategy") ? "train.negatives.strategy" : "train.negatives";
        var file = Path.Combine(TempFolder.New(), "negatives.conf");
        File.WriteAllText(file, $"experiment {{\n arms {{\n cc {{ set {{ {key} = class-confusion }} }}\n wl {{ set {{ {key} = wrong-label }} }}\n }}\n}}");
        var spec = ExperimentLoader.Load(file, quick: false);
        Assert.Equal(["cc", "wl"], spec.Arms.Select(a => a.Name));
        Assert.Equal([$"{key}=class-confusion"], spec.Arms[0].Own);

        var collaboration = ExperimentLoader.Load(Shipped("collaboration.conf"), quick: false);
        Assert.Equal(1 + 5 * 3 * 2, collaboration.Arms.Count);
        Assert.Equal("s0", collaboration.Arms[0].Name);
        Assert.Equal("scale=0.1,mode=all,exchange=exact", collaboration.Arms[1].Name);
        Assert.Equal(["train.collaboration.scale=0.1", "train.collaboration.mode=all", "train.collaboration.exchange=exact"], collaboration.Arms[1].Own);
        Assert.Equal([1L, 2L, 3L], collaboration.Seeds);
        var quick = ExperimentLoader.Load(Shipped("collaboration.conf"), quick: true);
        Assert.Equal(16, quick.Arms.Count);
        Assert.Equal([1L], quick.Seeds);
        Assert.EndsWith("collaboration-quick", quick.OutDir);

        var transfer = ExperimentLoader.Load(Shipped("transfer.conf"), quick: false);
        Assert.Equal(["ff-features", "random-features", "backprop-features", "pixels", "rbm-features", "rbm-features", "ff-features", "random-features"],
            transfer.Arms.Select(a => a.Kind));
        Assert.Equal(new Core.Baselines.RbmOptions(K: 1, Epochs: 10), transfer.Transfer.Rbm);
        var rbmMnist = ExperimentLoader.Load(Shipped("rbm-mnist.conf"), quick: false);
        Assert.Equal("mnist", rbmMnist.Transfer.Target);
        Assert.Equal(["ff", "rbm", "dbn", "random", "pixels"], rbmMnist.Arms.Select(a => a.Name));
        var transferRbm = ExperimentLoader.Load(Shipped("transfer-rbm.conf"), quick: false);
        Assert.Equal("fashion-mnist", transferRbm.Transfer.Target);
        Assert.Equal(rbmMnist.Arms.Select(a => (a.Name, a.Kind)), transferRbm.Arms.Select(a => (a.Name, a.Kind)));
        Assert.Equal(10, transfer.Transfer.Probe.Epochs);
        var quickTransfer = ExperimentLoader.Load(Shipped("transfer.conf"), quick: true);
        Assert.Equal(3, quickTransfer.Transfer.Probe.Epochs);
        Assert.Equal(0.001, quickTransfer.Transfer.Probe.LearningRate); // kept from the full profile: objects merge key by key
        // experiment.set and experiment.quick.set merge key by key too; the quick value wins.
        Assert.Contains("data.dataset=mnist", quickTransfer.Arms[0].Overrides);
        Assert.Contains("model.layers=[784, 200, 200]", quickTransfer.Arms[0].Overrides);
        Assert.DoesNotContain("model.layers=[784, 500, 500]", quickTransfer.Arms[0].Overrides);
    }

    [Fact]
    public void Only_on_the_command_line_picks_arms_and_names_an_unknown_one()
    {
        var two = ExperimentLoader.Load(Shipped("transfer.conf"), quick: false, onlyOverride: ["cwc", "cwc-random"]);
        Assert.Equal(["cwc", "cwc-random"], two.Arms.Select(a => a.Name));
        Assert.Equal("none", two.Embedding.Method); // the embedded arms (ff, backprop, random) do not run
        var some = ExperimentLoader.Load(Shipped("transfer.conf"), quick: false, onlyOverride: ["random", "pixels"]);
        Assert.Equal(["random"], some.Embedding.Arms);
        var e = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(Shipped("transfer.conf"), quick: false, onlyOverride: ["cnn"]));
        Assert.StartsWith("--only: only: no arm named 'cnn'", e.Message);
    }
}
