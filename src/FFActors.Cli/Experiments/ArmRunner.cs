using System.Diagnostics;
using System.Text.Json;
using FFActors.Cli.Jobs;
using FFActors.Cli.Output;
using FFActors.Core.Data;
using FFActors.Core.Embedding;
using FFActors.Core.Evaluation;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime;
using static TorchSharp.torch;

namespace FFActors.Cli.Experiments;

/// <summary>Runs one arm-seed in its own folder and returns its result (a failure is a result too).</summary>
public static class ArmRunner
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // An arm with no finished seed has NaN means; write them as "NaN" rather than fail.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public const string ResultFile = "result.json";
    public const string EmbeddingFile = "embedding.json";

    /// <summary>
    /// The metric of an arm-seed whose training was continued from a checkpoint (<see cref="ArmRunFolder"/>): the training
    /// seconds its checkpoint had behind it, which its <c>seconds</c> and <c>train_seconds</c> count as well.
    /// </summary>
    public const string SecondsBeforeResume = "seconds_before_resume";

    /// <summary>Records <paramref name="trained"/>'s training before a resume in <paramref name="metrics"/>, if it had any.</summary>
    internal static void NoteResume(Dictionary<string, double> metrics, PipelineResult trained)
    {
        if (trained.SecondsBeforeResume > 0) metrics[SecondsBeforeResume] = trained.SecondsBeforeResume;
    }

    /// <param name="threads">Intra-op threads this arm-seed may use (its share of the cores).</param>
    /// <param name="shared">Whether other arm-seeds run at the same time (then the layer threads get the share too).</param>
    public static ArmResult Run(ExperimentSpec spec, ArmSpec arm, long seed, string folder, int threads, bool shared,
        ITrainingObserver observer, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var armConfig = ArmConfig.Bind(spec, arm, seed);
        var fingerprint = armConfig.Fingerprint(spec, arm);
        ArmRunFolder.Prepare(folder, armConfig);
        ArmResult result;
        try
        {
            IntraOpThreads.Set(threads);
            var config = armConfig.Config with { Run = armConfig.Config.Run with { Threads = threads } };
            var runtime = shared && armConfig.Runtime.ThreadsPerLayer == 0
                ? armConfig.Runtime with { ThreadsPerLayer = Math.Max(1, threads / Math.Max(1, config.Model.LayerCount)) }
                : armConfig.Runtime;
            armConfig = armConfig with { Config = config, Runtime = runtime };
            var (metrics, curves, probe) = arm.IsTrain
                ? Train(armConfig, folder, observer, cancel)
                : Transfer(spec, arm, armConfig, folder, observer, cancel);
            result = new ArmResult
            {
                Arm = arm.Name, Kind = arm.Kind, Seed = seed, Status = "ok", Fingerprint = fingerprint,
                Seconds = clock.Elapsed.TotalSeconds + metrics.GetValueOrDefault(SecondsBeforeResume), Metrics = metrics, Curves = curves, Probe = probe, Finished = DateTime.UtcNow,
            };
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            result = new ArmResult
            {
                Arm = arm.Name, Kind = arm.Kind, Seed = seed, Status = ArmResult.Stopped, Fingerprint = fingerprint,
                Error = "stopped before it finished (Ctrl-C or SIGTERM)", Seconds = clock.Elapsed.TotalSeconds, Finished = DateTime.UtcNow,
            };
        }
        catch (Exception e)
        {
            result = new ArmResult
            {
                Arm = arm.Name, Kind = arm.Kind, Seed = seed, Status = "failed", Fingerprint = fingerprint,
                Error = $"{e.GetType().Name}: {ConfigurationLine(e.Message)}", Seconds = clock.Elapsed.TotalSeconds, Finished = DateTime.UtcNow,
            };
        }
        AtomicFile.WriteText(Path.Combine(folder, ResultFile), JsonSerializer.Serialize(result, Json));
        return result;
    }

    static string ConfigurationLine(string s) => s.ReplaceLineEndings(" ").Trim();

    /// <summary>A `train` arm: exactly `ffactors train` with this configuration (or its `--resume`), its run folder inside the arm folder.</summary>
    static (Dictionary<string, double>, Dictionary<string, double[]>, ProbeBudget?) Train(ArmConfig arm, string folder, ITrainingObserver observer, CancellationToken cancel)
    {
        var config = arm.Config with { Run = arm.Config.Run with { OutDir = folder, Name = ArmRunFolder.Name } };
        var device = TorchSetup.DeviceFor(config.Run.Device);
        using var data = DatasetLoader.Load(config.Data, device);
        var (run, resume) = ArmRunFolder.Open(folder, arm, data);
        using var _ = run;
        var job = new TrainJob(config, arm.Runtime, resumeDir: resume ? run.Path : null);
        var clock = Stopwatch.StartNew();
        var trained = job.Train(data, run, observer, cancel);
        using var net = trained.Network;
        var done = job.Finish(data, run, trained, clock);
        if (done.Evaluation is not { } e) throw new OperationCanceledException("training was stopped");
        var metrics = new Dictionary<string, double> { ["train_seconds"] = done.TrainSeconds };
        // Label-free runs have no goodness readout: their head is the linear probe.
        if (!double.IsNaN(e.GoodnessAccuracy)) metrics["goodness"] = e.GoodnessAccuracy;
        if (!double.IsNaN(e.HeadAccuracy)) metrics["head"] = e.HeadAccuracy;
        if (trained.Metrics.Count > 0) metrics["samples_per_s"] = Median(trained.Metrics.Select(m => m.SamplesPerSecond));
        NoteResume(metrics, trained);
        foreach (var (key, value) in ExperimentCurves.LayerSeparation(trained.Metrics)) metrics[key] = value;
        return (metrics, ExperimentCurves.Of(trained.Metrics), null);
    }

    /// <summary>
    /// A feature arm: build the frozen extractor on the source dataset, compute features of the
    /// target's train/validation/test splits, and fit the linear probe with the experiment's one
    /// budget on the last layer and on the configured layers concatenated.
    /// </summary>
    static (Dictionary<string, double>, Dictionary<string, double[]>, ProbeBudget?) Transfer(ExperimentSpec spec, ArmSpec arm, ArmConfig armConfig,
        string folder, ITrainingObserver observer, CancellationToken cancel)
    {
        var config = armConfig.Config;
        var t = spec.Transfer;
        var device = TorchSetup.DeviceFor(config.Run.Device);
        DataSplits? source = null;
        try
        {
            var ctx = new FeatureArmContext(spec, arm, armConfig, folder, device,
                () => source ??= DatasetLoader.Load(config.Data, device), observer, cancel);
            using var extractor = FeatureArms.Kinds[arm.Kind](ctx);
            source?.Dispose();
            source = null;
            using var target = DatasetLoader.Load(new DataOptions(t.Target, config.Data.Dir, config.Data.Normalization, t.Validation, t.TrainLimit, t.TestLimit), device);

            var sets = new List<(string Name, int[] Layers)>();
            if (extractor.LayerCount == 0)
            {
                sets.Add(("all", []));
            }
            else
            {
                var all = t.Layers ?? Enumerable.Range(0, extractor.LayerCount).ToArray();
                foreach (var l in all)
                    if (l < 0 || l >= extractor.LayerCount)
                        throw new ArgumentException($"transfer.layers: layer {l} does not exist (the model has layers 0..{extractor.LayerCount - 1})");
                sets.Add(("last", [extractor.LayerCount - 1]));
                sets.Add(("all", all));
            }

            var metrics = new Dictionary<string, double>(extractor.SourceMetrics);
            var curves = new Dictionary<string, double[]>(extractor.SourceCurves);
            // An extractor with BatchNorm is probed twice: with the running statistics it ended its source training with
            // (suffix _source_bn, kept to show the difference) and, the reported figures, with statistics estimated again
            // on the target's training split (BatchNormStatistics says why).
            if (extractor.HasBatchNorm)
            {
                ProbeSets(extractor, sets, "_source_bn", embed: false);
                extractor.EstimateBatchNorm(target.Train, config.Eval.BatchSize);
            }
            ProbeSets(extractor, sets, "", embed: true);

            void ProbeSets(IFeatureSource extractor, List<(string Name, int[] Layers)> sets, string suffix, bool embed)
            {
                using var outer = NewDisposeScope();
                // The last layer's features are the trailing columns of the "all" set when it ends with the last layer: one
                // pass of the target through the extractor serves both (a CNN's pass costs minutes on 2 cores).
                var all = sets.FirstOrDefault(s => s.Name == "all").Layers;
                bool slice = sets.Count == 2 && all is { Length: > 0 } && all[^1] == extractor.LayerCount - 1;
                (Tensor Train, Tensor Val, Tensor Test)? whole = slice
                    ? (Features(extractor, target.Train, all!, config.Eval.BatchSize), Features(extractor, target.Validation!, all!, config.Eval.BatchSize),
                        Features(extractor, target.Test, all!, config.Eval.BatchSize))
                    : null;
                long lastWidth = 0;
                if (slice)
                    using (no_grad())
                    using (var one = target.Test.Rows(0, 1))
                    using (var f = extractor.Features(one, [extractor.LayerCount - 1]))
                        lastWidth = f.shape[1];
                Tensor Part(Tensor t, int[] layers) => layers.SequenceEqual(all!) ? t.alias() : t.narrow(1, t.shape[1] - lastWidth, lastWidth);
                foreach (var (name, layers) in sets)
                {
                    cancel.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var train = whole is { } w ? Part(w.Train, layers) : Features(extractor, target.Train, layers, config.Eval.BatchSize);
                    var val = whole is { } wv ? Part(wv.Val, layers) : Features(extractor, target.Validation!, layers, config.Eval.BatchSize);
                    var test = whole is { } wt ? Part(wt.Test, layers) : Features(extractor, target.Test, layers, config.Eval.BatchSize);
                    var probe = LinearProbe.Fit((train, target.Train.Labels), (val, target.Validation!.Labels), (test, target.Test.Labels),
                        target.Info.Classes, t.Probe, config.Run.Seed, config.Eval.BatchSize);
                    metrics[$"probe_{name}{suffix}"] = probe.TestAccuracy;
                    metrics[$"val_{name}{suffix}"] = probe.ValidationAccuracy;
                    if (suffix.Length > 0) continue;
                    metrics[$"features_{name}"] = probe.Features;
                    curves[$"probe validation accuracy ({name})"] = probe.ValidationCurve;
                    if (embed && spec.Embedding.Includes(arm) && config.Run.Seed == spec.Seeds[0] && (name == spec.Embedding.Features || sets.Count == 1))
                    {
                        var embedClock = Stopwatch.StartNew();
                        WriteEmbedding(spec, arm, folder, test, target.Test.Labels, name);
                        metrics["embedding_seconds"] = embedClock.Elapsed.TotalSeconds;
                    }
                }
            }
            return (metrics, curves, t.Probe);
        }
        finally
        {
            source?.Dispose();
        }
    }

    static Tensor Features(IFeatureSource extractor, Dataset data, int[] layers, int batchSize)
    {
        using var _ = no_grad();
        using var rows = new FeatureRows(data.Count);
        foreach (var (x, y) in data.Batches(batchSize, null))
        {
            using (x) using (y) rows.Add(extractor.Features(x, layers));
        }
        return rows.Take();
    }

    static void WriteEmbedding(ExperimentSpec spec, ArmSpec arm, string folder, Tensor features, Tensor labels, string set)
    {
        var e = spec.Embedding;
        using var scope = NewDisposeScope();
        int n = (int)Math.Min(e.Samples, features.shape[0]);
        var x = features.narrow(0, 0, n);
        var points = e.Method == "tsne"
            ? Tsne.Embed(x, new TsneOptions(Perplexity: Math.Min(e.Perplexity, (n - 2) / 3.0), Iterations: e.Iterations), SeedStreams.Derive(spec.Seeds[0], SeedStreams.Head, 1))
            : Pca.Project(x, 2);
        var xs = points.select(1, 0).contiguous().data<float>().ToArray();
        var ys = points.select(1, 1).contiguous().data<float>().ToArray();
        var ls = labels.narrow(0, 0, n).to_type(ScalarType.Int32).data<int>().ToArray();
        var record = new EmbeddingPoints(arm.Name, e.Method, set, xs, ys, ls);
        AtomicFile.WriteText(Path.Combine(folder, EmbeddingFile), JsonSerializer.Serialize(record, Json));
    }

    static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
