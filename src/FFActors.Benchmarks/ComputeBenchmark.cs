using System.Diagnostics;
using System.Globalization;
using System.Text;
using FFActors.Core;
using FFActors.Core.Baselines;
using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Benchmarks;

/// <param name="FF">The FF recipe (the reference configuration unless changed), trained through the actor runtime as <c>ffactors train</c> does.</param>
/// <param name="Targets">Test accuracies (fractions) whose first crossing is reported.</param>
/// <param name="BackpropEpochs">At most this many backprop epochs; training stops early once every target is reached.</param>
/// <param name="BackpropChecksPerEpoch">Test evaluations of the backprop MLP per epoch (FF is scored once per epoch, after it).</param>
/// <param name="Repeats">Runs of each network (alternating); wall times are the medians, accuracies and counts are the first run's.</param>
/// <param name="BackpropThreads">Intra-op threads of the backprop MLP; 0 = all cores.</param>
public sealed record ComputeBenchmarkOptions(FFConfig FF, RuntimeOptions Runtime, double[] Targets, int BackpropEpochs = 5,
    double BackpropLearningRate = 0.001, int BackpropBatchSize = 100, int BackpropChecksPerEpoch = 4, int Repeats = 1, int BackpropThreads = 0);

/// <summary>One network's time-to-accuracy curve.</summary>
/// <param name="Widths">The network's widths, input first (backprop: with its output layer).</param>
/// <param name="OutsideTrainingSeconds">Wall time of the run spent outside training (median over repeats): FF's per-epoch test scoring,
/// diagnostics and checkpoints; the backprop MLP's test evaluations.</param>
public sealed record ComputeRun(string Name, int[] Widths, double TrainFlopsPerSample, double EvalFlopsPerTestSample,
    IReadOnlyList<ComputePoint> Curve, double OutsideTrainingSeconds);

/// <summary>Where each network first reached <paramref name="Target"/>, and FF / backprop of seconds, samples and FLOPs (null when either never did).</summary>
public sealed record ComputeCrossing(double Target, ComputePoint? FF, ComputePoint? Backprop)
{
    public double? SecondsRatio => FF is { } f && Backprop is { } b ? f.Seconds / b.Seconds : null;
    public double? SamplesRatio => FF is { } f && Backprop is { } b ? (double)f.Samples / b.Samples : null;
    public double? FlopsRatio => FF is { } f && Backprop is { } b ? f.Flops / b.Flops : null;
}

/// <param name="Threads">Intra-op threads of the backprop MLP (FF's layer actors have runtime.threads-per-layer each).</param>
public sealed record ComputeBenchmarkReport(int[] Layers, int TrainSamples, int TestSamples, int Threads, int Repeats,
    ComputeRun FF, ComputeRun Backprop, IReadOnlyList<ComputeCrossing> Crossings, double? LoadBefore, double? LoadAfter);

/// <summary>
/// FF's compute cost against backprop (<c>ffactors bench compute</c>): the FF recipe trained through the actor runtime
/// (<see cref="PipelineRunner"/>, as <c>ffactors train</c> runs it) and the backprop MLP of the same widths
/// (<see cref="BackpropMlp"/>, Adam, cross-entropy) on the same data in the same process, each scored on the test set
/// as it trains. Wall times count training only (the clock stops while the test set is scored); samples and FLOPs
/// (<see cref="ComputeAccounting"/>) follow from the number of training samples processed.
/// </summary>
public static class ComputeBenchmark
{
    public static ComputeBenchmarkReport Run(ComputeBenchmarkOptions o, Action<string>? progress = null)
    {
        Check(o);
        double? loadBefore = CpuAccounting.LoadAverage();
        var config = o.FF with { Eval = o.FF.Eval with { ValidateEachEpoch = true } };
        var device = TorchSetup.DeviceFor(config.Run.Device);
        using var data = DatasetLoader.Load(config.Data, device);
        // The runtime scores its validation split after every epoch: give it the test split (a view, no copy) as that split.
        using var testView = data.Test.Slice(data.Test.Name, 0, data.Test.Count);
        var scored = new DataSplits(data.Info, data.Train, testView, data.Test); // not disposed: data and testView own the tensors
        int classes = data.Info.Classes;
        var layers = config.Model.Layers;

        var ff = new List<(List<(double Epoch, double Seconds, double Accuracy)> Points, double Outside)>();
        var bp = new List<(List<(double Epoch, double Seconds, double Accuracy)> Points, double Outside)>();
        for (int r = 0; r < o.Repeats; r++)
        {
            progress?.Invoke($"repeat {r + 1}/{o.Repeats}: FF {config.Model.Kind.Describe(config.Model)}, {config.Train.Epochs} epochs, {o.Runtime.Mode.ToString().ToLowerInvariant()} mode");
            ff.Add(TrainFF(config, o.Runtime, scored, progress));
            progress?.Invoke($"repeat {r + 1}/{o.Repeats}: backprop MLP [{string.Join(",", ComputeAccounting.BackpropWidths(layers, classes))}], at most {o.BackpropEpochs} epochs");
            bp.Add(TrainBackprop(o, layers, classes, data, device, progress));
        }
        int n = data.Train.Count;
        int deepest = config.Eval.ScoreLayersFor(layers.Length - 1).Max();
        var ffRun = new ComputeRun($"FF {config.Model.Kind.Describe(config.Model)}, {config.Train.Epochs} epochs, {o.Runtime.Mode.ToString().ToLowerInvariant()} mode",
            [.. layers], ComputeAccounting.FFTrainFlopsPerSample(layers), ComputeAccounting.FFEvalFlopsPerSample(layers, classes, deepest),
            Curve(ff.Select(f => f.Points).ToList(), n, ComputeAccounting.FFTrainFlopsPerSample(layers)), Median.Of(ff.Select(f => f.Outside).ToArray()));
        var bpWidths = ComputeAccounting.BackpropWidths(layers, classes);
        var bpRun = new ComputeRun($"backprop MLP [{string.Join(", ", bpWidths)}], Adam {o.BackpropLearningRate.ToString(CultureInfo.InvariantCulture)}, batch {o.BackpropBatchSize}",
            bpWidths, ComputeAccounting.BackpropTrainFlopsPerSample(layers, classes), ComputeAccounting.BackpropEvalFlopsPerSample(layers, classes),
            Curve(bp.Select(b => b.Points).ToList(), n, ComputeAccounting.BackpropTrainFlopsPerSample(layers, classes)), Median.Of(bp.Select(b => b.Outside).ToArray()));
        var crossings = o.Targets.Select(t => new ComputeCrossing(t, ComputeAccounting.FirstReaching(ffRun.Curve, t), ComputeAccounting.FirstReaching(bpRun.Curve, t))).ToList();
        return new ComputeBenchmarkReport([.. layers], n, data.Test.Count, o.BackpropThreads > 0 ? o.BackpropThreads : Environment.ProcessorCount, o.Repeats, ffRun, bpRun, crossings, loadBefore, CpuAccounting.LoadAverage());
    }

    static void Check(ComputeBenchmarkOptions o)
    {
        if (o.Targets.Length == 0 || o.Targets.Any(t => t <= 0 || t >= 1)) throw new ArgumentException($"--targets: each must be a fraction in (0, 1), got {string.Join(",", o.Targets)}");
        if (o.Repeats < 1) throw new ArgumentException($"--repeats: {o.Repeats} must be at least 1");
        if (o.BackpropEpochs < 1) throw new ArgumentException($"--backprop-epochs: {o.BackpropEpochs} must be at least 1");
        if (o.BackpropBatchSize < 1) throw new ArgumentException($"--backprop-batch: {o.BackpropBatchSize} must be at least 1");
        if (o.BackpropThreads < 0) throw new ArgumentException($"--backprop-threads: {o.BackpropThreads} must be 0 (all cores) or more");
        if (o.BackpropChecksPerEpoch < 1) throw new ArgumentException($"--backprop-checks: {o.BackpropChecksPerEpoch} must be at least 1");
        // The FLOP formulas are a dense FF layer's, and the per-epoch accuracy is goodness scoring with the label overlaid.
        if (o.FF.Model.Kind is not DenseKind) throw new ArgumentException("model.kind: bench compute counts the FLOPs of dense FF layers; set model.kind = dense");
        if (NegativeSetup.Of(o.FF).LabelFree) throw new ArgumentException($"train.negatives = {o.FF.Train.Negatives}: label-free FF has no per-epoch goodness accuracy to time");
        if (o.FF.Train.Schedule != Schedule.Simultaneous) throw new ArgumentException("train.schedule: bench compute times the actor runtime, which runs the simultaneous schedule");
        if (o.FF.Train.CollaborationOrDefault.Enabled) throw new ArgumentException("train.collaboration.scale: bench compute counts FF without the collaboration's probe pass; set it to 0");
    }

    /// <summary>The repeats' checks as one curve: the first repeat's accuracies, the median seconds of the repeats that reached each check.</summary>
    static List<ComputePoint> Curve(List<List<(double Epoch, double Seconds, double Accuracy)>> repeats, int trainSamples, double flopsPerSample) =>
        repeats[0].Select((p, i) =>
        {
            long samples = (long)Math.Round(p.Epoch * trainSamples);
            var seconds = repeats.Where(r => r.Count > i).Select(r => r[i].Seconds).ToArray();
            return new ComputePoint(p.Epoch, samples, Median.Of(seconds), samples * flopsPerSample, p.Accuracy, seconds);
        }).ToList();

    sealed class EpochProgress(Action<string>? say) : ITrainingObserver
    {
        public void EpochCompleted(EpochMetrics m) =>
            say?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  FF epoch {m.Epoch}: {m.Seconds:F1} s, test accuracy {m.ValidationAccuracy * 100:F2} %"));
    }

    static (List<(double, double, double)>, double) TrainFF(FFConfig config, RuntimeOptions runtime, DataSplits data, Action<string>? progress)
    {
        var clock = Stopwatch.StartNew();
        var result = PipelineRunner.Train(config, runtime, data, runDir: null, resume: false, new EpochProgress(progress), CancellationToken.None);
        double wall = clock.Elapsed.TotalSeconds;
        result.Network.Dispose();
        if (!result.Completed) throw new InvalidOperationException("bench compute: FF training stopped before its last epoch");
        var points = new List<(double, double, double)>();
        double seconds = 0;
        foreach (var m in result.Metrics)
        {
            seconds += m.Seconds;
            points.Add((m.Epoch, seconds, m.ValidationAccuracy ?? throw new InvalidOperationException($"bench compute: FF epoch {m.Epoch} has no test accuracy")));
        }
        return (points, wall - seconds);
    }

    static (List<(double, double, double)>, double) TrainBackprop(ComputeBenchmarkOptions o, int[] layers, int classes, DataSplits data, Device device,
        Action<string>? progress)
    {
        long seed = o.FF.Run.Seed;
        int callerThreads = get_num_threads();
        set_num_threads(o.BackpropThreads > 0 ? o.BackpropThreads : Environment.ProcessorCount);
        try
        {
            return TrainBackpropOn(o, layers, classes, data, device, progress, seed);
        }
        finally
        {
            set_num_threads(callerThreads);
        }
    }

    static (List<(double, double, double)>, double) TrainBackpropOn(ComputeBenchmarkOptions o, int[] layers, int classes, DataSplits data, Device device,
        Action<string>? progress, long seed)
    {
        using var init = new Generator((ulong)SeedStreams.Derive(seed, SeedStreams.LayerInit));
        using var order = new Generator((ulong)SeedStreams.Derive(seed, SeedStreams.DataOrder));
        using var mlp = new BackpropMlp(layers, classes, init);
        mlp.to(device);
        using var adam = optim.Adam(mlp.parameters(), o.BackpropLearningRate);
        int batchesPerEpoch = (data.Train.Count + o.BackpropBatchSize - 1) / o.BackpropBatchSize;
        int every = Math.Max(1, batchesPerEpoch / o.BackpropChecksPerEpoch);
        var points = new List<(double, double, double)>();
        var training = new Stopwatch();
        var outside = new Stopwatch();
        void Score(int epoch, int batches)
        {
            training.Stop();
            outside.Start();
            double accuracy = mlp.Accuracy(data.Test, o.FF.Eval.BatchSize);
            outside.Stop();
            double at = epoch + (double)batches / batchesPerEpoch;
            points.Add((at, training.Elapsed.TotalSeconds, accuracy));
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  backprop epoch {at:F2}: {training.Elapsed.TotalSeconds:F1} s, test accuracy {accuracy * 100:F2} %"));
            training.Start();
        }
        for (int e = 0; e < o.BackpropEpochs; e++)
        {
            training.Start();
            CrossEntropyEpoch.Run(mlp, adam, data.Train, o.BackpropBatchSize, order, b =>
            {
                if (b % every == 0 || b == batchesPerEpoch) Score(e, b);
            });
            training.Stop();
            if (o.Targets.All(t => points.Any(p => p.Item3 >= t))) break;
        }
        return (points, outside.Elapsed.TotalSeconds);
    }

    public static string Format(ComputeBenchmarkReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"layers [{string.Join(",", r.Layers)}], {r.TrainSamples} training and {r.TestSamples} test samples, {r.Threads} intra-op thread(s) for backprop, {r.Repeats} repeat(s)");
        foreach (var run in new[] { r.FF, r.Backprop })
        {
            sb.AppendLine(c, $"{run.Name}: {run.TrainFlopsPerSample / 1e6:F2} MFLOP per training sample, {run.EvalFlopsPerTestSample / 1e6:F2} MFLOP per test sample scored, " +
                $"{run.OutsideTrainingSeconds:F1} s outside training");
            foreach (var p in run.Curve)
                sb.AppendLine(c, $"  epoch {p.Epoch,5:F2}  {p.Accuracy * 100,6:F2} %  {p.Seconds,8:F1} s  {p.Samples,9} samples  {p.Flops / 1e12,8:F2} TFLOP");
        }
        foreach (var x in r.Crossings)
        {
            string At(ComputePoint? p) => p is null ? "not reached" : string.Create(c, $"{p.Seconds:F1} s, {p.Samples} samples, {p.Flops / 1e12:F2} TFLOP (epoch {p.Epoch:F2})");
            string Ratio(double? v) => v is { } d ? d.ToString("F2", c) + "x" : "-";
            sb.AppendLine(c, $"to {x.Target * 100:F1} %: FF {At(x.FF)}; backprop {At(x.Backprop)}; FF/backprop time {Ratio(x.SecondsRatio)}, samples {Ratio(x.SamplesRatio)}, FLOPs {Ratio(x.FlopsRatio)}");
        }
        return sb.ToString().TrimEnd();
    }
}
