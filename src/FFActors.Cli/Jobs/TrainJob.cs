using System.Diagnostics;
using FFActors.Cli.Output;
using FFActors.Cli.Platform;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Diagnostics;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Training;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Serialization;

namespace FFActors.Cli.Jobs;

/// <summary>
/// The body of <c>ffactors train</c> without the console: train (greedy in-process, otherwise
/// through the actor runtime), evaluate, and write the run folder. The experiment runner calls
/// the same code for every FF arm.
/// </summary>
/// <param name="cluster">Train as the coordinator of a cluster, with the layers on its layer hosts; null = in this process.</param>
/// <param name="say">Where cluster progress lines go (they are printed as they come).</param>
public sealed class TrainJob
{
    readonly FFConfig config;
    readonly RuntimeOptions runtime;
    readonly ClusterOptions? cluster;
    readonly Action<string>? say;
    readonly bool resume;

    /// <param name="resumeDir">The run folder whose last checkpoint training continues from; null = a new run.</param>
    /// <exception cref="ArgumentException">The combination cannot run (checked before anything is loaded or written).</exception>
    public TrainJob(FFConfig config, RuntimeOptions runtime, ClusterOptions? cluster = null, Action<string>? say = null, string? resumeDir = null)
    {
        (this.config, this.runtime, this.cluster, this.say, resume) = (config, runtime, cluster, say, resumeDir is not null);
        if (Greedy && cluster is not null)
            throw new ArgumentException("--cluster: train.schedule = greedy trains in-process; use simultaneous");
        Negatives = NegativeSetup.Of(config);
    }

    public bool Greedy => config.Train.Schedule == Schedule.Greedy;

    /// <summary>What the negative strategy implies: label-free or not, which evaluation runs.</summary>
    public NegativeSetup Negatives { get; }

    public string How => Greedy ? "greedy (in-process)"
        : $"simultaneous, {runtime.Mode.ToString().ToLowerInvariant()} mode{(cluster is null ? "" : ", layers on the cluster")}";

    /// <summary>The intra-op threads training computes with, for the run's header.</summary>
    public string Threads => Greedy
        ? $"intra-op threads: {(config.Run.Threads > 0 ? config.Run.Threads : Environment.ProcessorCount)} (run.threads)"
        : $"intra-op threads: {runtime.ThreadsFor(config.Model.LayerCount, Environment.ProcessorCount)} per layer, 1 for the coordinator (both modes)";

    /// <summary>
    /// The settings that make this run end with other weights than the same seed and configuration in the other mode or in
    /// one process, one line each; said at the start of the run and kept in run.log.
    /// </summary>
    public IEnumerable<string> Divergences()
    {
        if (cluster is { Precision: not WirePrecision.Float32 } c)
            yield return $"cluster.wire-precision = {c.Precision.ToString().ToLowerInvariant()}: activations cross the network narrowed, so the weights " +
                "differ from a local run's and from a float32 cluster run's";
    }

    /// <summary>Trains only; the caller owns the returned network.</summary>
    public PipelineResult Train(DataSplits data, RunFolder run, ITrainingObserver observer, CancellationToken cancel)
    {
        if (config.Run.ReleaseFreedMemory) observer = new NativeHeap.ReleaseAfterEachEpoch(observer);
        if (cluster is not null)
            return ClusterRunner.Train(config, runtime, data, run.Path, resume, observer, cancel, cluster, say ?? (_ => { }), evaluate: true);
        return Greedy
            ? GreedyRunner.Train(config, runtime, data, run.Path, resume, observer, cancel)
            : PipelineRunner.Train(config, runtime, data, run.Path, resume, observer, cancel, evaluate: true);
    }

    /// <summary>Writes metrics and log; when training completed, evaluates (unless the runtime did) and writes weights, results.json and curves.png.</summary>
    public TrainJobResult Finish(DataSplits data, RunFolder run, PipelineResult outcome, Stopwatch clock, Action? beforeEvaluation = null)
    {
        // When the runtime evaluated through the actors, the clock has run through that evaluation too. A resumed run
        // counts the training its checkpoint had behind it as well.
        double before = outcome.SecondsBeforeResume;
        double trainSeconds = clock.Elapsed.TotalSeconds - (outcome.Evaluation?.Seconds ?? 0) + before;
        run.WriteMetrics(outcome.Metrics);
        if (outcome.Log.Count > 0) run.AppendLog(outcome.Log);
        if (!outcome.Completed) return new TrainJobResult(outcome, null, trainSeconds, clock.Elapsed.TotalSeconds + before, null);

        EvaluationResult result;
        if (outcome.Evaluation is { } e)
        {
            result = e;
        }
        else
        {
            beforeEvaluation?.Invoke();
            result = Evaluator.Evaluate(outcome.Network, data.Train, data.Test, LabelOverlay.For(config.Model), config.Eval, config.Run.Seed,
                Negatives.ProbeOnly);
        }
        run.WriteWeights(outcome.Network);
        var generative = GenerativeReport.Write(run.Path, config, data, outcome.Network);
        var figures = new RunResults(
            Dataset: config.Data.Dataset,
            Seed: config.Run.Seed,
            // The trained network's own sizes (flattened for CwC blocks), not the dense-layer key a CwC model ignores.
            Layers: [outcome.Network.Layers[0].Spec.InputSize, .. outcome.Network.Layers.Select(l => l.Spec.OutputSize)],
            Model: Describe(config.Model),
            Schedule: config.Train.Schedule.ToString().ToLowerInvariant(),
            Mode: Greedy ? "in-process" : runtime.Mode.ToString().ToLowerInvariant(),
            Epochs: config.Train.Epochs,
            Negatives: config.Model.LabelDriven ? null : config.Train.Negatives,
            LabelFree: Negatives.LabelFree,
            Evaluation: result.ProbeOnly ? "linear-probe" : "goodness-scoring+softmax-head",
            TestSamples: data.Test.Count,
            GoodnessAccuracy: double.IsNaN(result.GoodnessAccuracy) ? null : result.GoodnessAccuracy,
            ScoreLayers: result.ProbeOnly ? null : result.ScoreLayers,
            HeadAccuracy: double.IsNaN(result.HeadAccuracy) ? null : result.HeadAccuracy,
            HeadLayers: result.HeadLayers,
            TrainSeconds: trainSeconds,
            EvalSeconds: result.Seconds,
            TotalSeconds: clock.Elapsed.TotalSeconds + before,
            PeakResidentBytes: PeakResidentSet.Bytes(),
            ReconstructionMse: generative?.Reconstruction,
            MeanImageMse: generative?.MeanImage);
        run.WriteResults(figures);
        DrawPictures(run.Path, config, How, outcome.Metrics, outcome.Network, data.Train.Features);
        return new TrainJobResult(outcome, result, trainSeconds, clock.Elapsed.TotalSeconds + before, figures);
    }

    /// <summary>
    /// A run in a few words, as result tables name it: the data (and how much of it), the model, the negatives when the
    /// kind uses them and they are not the default wrong labels, the epochs and <paramref name="how"/>.
    /// </summary>
    public static string Title(FFConfig config, string how)
    {
        var parts = new List<string> { $"{config.Data.Dataset} {Describe(config.Model)}" };
        if (!config.Model.LabelDriven && config.Train.Negatives != new Core.Training.TrainOptions().Negatives)
            parts.Add($"{config.Train.Negatives} negatives");
        if (config.Data.TrainLimit > 0) parts.Add($"first {config.Data.TrainLimit} training images");
        parts.Add($"{config.Train.Epochs} epochs");
        parts.Add(how);
        return string.Join(", ", parts);
    }

    /// <summary>The model in a few words: its kind and sizes.</summary>
    public static string Describe(ModelOptions model) => model.Kind.Describe(model);

    /// <summary>
    /// A finished run's pictures in <paramref name="folder"/>: curves.png, the last epoch's goodness histograms per layer and the
    /// first (dense) layer's receptive fields. <c>ffactors plot</c> draws them again from a run folder's files.
    /// </summary>
    /// <param name="how">The schedule and mode in words (<see cref="How"/>), for the titles.</param>
    /// <param name="features">Input features per sample (784 for 28×28 images).</param>
    public static void DrawPictures(string folder, FFConfig config, string how, IReadOnlyList<EpochMetrics> metrics, FFNetwork net, int features)
    {
        MetricsChart.Save(Path.Combine(folder, "curves.png"), metrics, $"{config.Data.Dataset} {Describe(config.Model)} {how}");
        var last = metrics.LastOrDefault(m => m.Diagnostics is not null);
        if (last is not null)
            DiagnosticsChart.SaveHistograms(folder, last.Diagnostics!, last.Epoch, $"{config.Data.Dataset} {config.Train.Negatives}");
        int side = (int)Math.Round(Math.Sqrt(features));
        // Receptive fields are the rows of a dense first layer; a CwC block's 3×3 kernels are not images of the input.
        if (side * side == features && net.Layers[0].InputWeights is { } weights && weights.shape[1] == features)
            DiagnosticsChart.SaveReceptiveFields(Path.Combine(folder, "receptive-fields.png"), ReceptiveFields.Grid(weights, 100, side, side),
                $"layer 0 receptive fields (first 100 units, each scaled to its max |w|), {config.Train.Negatives}");
    }
}
