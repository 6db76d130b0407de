using System.Diagnostics;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Benchmarks;

/// <param name="Layers">Network size, input first; both networks get the same dense layers.</param>
/// <param name="Samples">MNIST test samples classified per timing.</param>
/// <param name="Repeats">Timings of each network (alternating); the report uses the medians.</param>
public sealed record InferenceBenchmarkOptions(int[] Layers, int Samples = 10000, int Repeats = 5, int BatchSize = 1000,
    string DataDir = "samples/data", long Seed = 1);

/// <param name="GoodnessSeconds">Each timing of label-scoring FF: one overlaid pass per class, goodness summed over the score layers.</param>
/// <param name="HffSeconds">Each timing of Hyperspherical FF: one pass, prototype cosines of the same score layers.</param>
/// <param name="Ratio">Median goodness-scoring time / median HFF time.</param>
/// <param name="DistanceSeconds">Each timing of Distance-Forward: one pass, negative distances to the class centres of the same score layers.</param>
/// <param name="DistanceRatio">Median goodness-scoring time / median Distance-Forward time.</param>
/// <param name="MonoForwardSeconds">Each timing of Mono-Forward: one pass, each score layer's activities times its projection to the classes.</param>
/// <param name="MonoForwardRatio">Median goodness-scoring time / median Mono-Forward time.</param>
public sealed record InferenceBenchmarkReport(int[] Layers, int Samples, int Classes, int[] ScoreLayers, int Threads,
    double[] GoodnessSeconds, double[] HffSeconds, double GoodnessMedian, double HffMedian, double Ratio,
    double[] DistanceSeconds, double DistanceMedian, double DistanceRatio,
    double[] MonoForwardSeconds, double MonoForwardMedian, double MonoForwardRatio);

/// <summary>
/// Inference cost of the single-pass variants, Hyperspherical FF, Distance-Forward and Mono-Forward, against label-scoring FF (one pass per class) on
/// networks of the same size, classifying the same MNIST test images with the same evaluation code
/// (<see cref="GoodnessScorer.Accuracy"/>). The weights are each network's seeded initial ones:
/// the cost of a forward pass does not depend on their values.
/// </summary>
public static class InferenceBenchmark
{
    public static InferenceBenchmarkReport Run(InferenceBenchmarkOptions o, Action<string>? progress = null)
    {
        if (o.Repeats < 1) throw new ArgumentException($"--repeats: {o.Repeats} must be at least 1");
        using var data = DatasetLoader.Load(new DataOptions("mnist", o.DataDir, Normalization.MeanStd, 0, TrainLimit: 1, TestLimit: o.Samples), CPU);
        var optimizer = new OptimizerOptions();
        using var ff = new FFNetwork(new ModelOptions(o.Layers), optimizer, o.Seed, CPU);
        using var hff = new FFNetwork(new ModelOptions(o.Layers, LayerKind: new HffKind(new HffOptions())), optimizer, o.Seed, CPU);
        using var df = new FFNetwork(new ModelOptions(o.Layers, LayerKind: new DistanceKind(new DistanceOptions())), optimizer, o.Seed, CPU);
        using var mf = new FFNetwork(new ModelOptions(o.Layers, InputNorm.None, LayerKind: new MonoForwardKind(new MonoForwardOptions())), optimizer, o.Seed, CPU);
        var overlay = new LabelOverlay();
        var layers = new EvalOptions().ScoreLayersFor(ff.Layers.Count);
        double Time(FFNetwork net)
        {
            var sw = Stopwatch.StartNew();
            GoodnessScorer.Accuracy(net, data.Test, overlay, layers, o.BatchSize);
            return sw.Elapsed.TotalSeconds;
        }
        Time(ff); // warm-up: first-call allocations and kernel selection
        Time(hff);
        Time(df);
        Time(mf);
        var goodness = new double[o.Repeats];
        var single = new double[o.Repeats];
        var distance = new double[o.Repeats];
        var mono = new double[o.Repeats];
        for (int r = 0; r < o.Repeats; r++)
        {
            goodness[r] = Time(ff);
            single[r] = Time(hff);
            distance[r] = Time(df);
            mono[r] = Time(mf);
            progress?.Invoke($"repeat {r + 1}/{o.Repeats}: goodness scoring {goodness[r]:F3} s, HFF {single[r]:F3} s, Distance-Forward {distance[r]:F3} s, " +
                $"Mono-Forward {mono[r]:F3} s");
        }
        double gm = Median.Of(goodness), hm = Median.Of(single), dm = Median.Of(distance), mm = Median.Of(mono);
        return new InferenceBenchmarkReport(o.Layers, data.Test.Count, overlay.Classes, layers, get_num_threads(), goodness, single, gm, hm, gm / hm,
            distance, dm, gm / dm, mono, mm, gm / mm);
    }

    public static string Format(InferenceBenchmarkReport r) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"layers [{string.Join(",", r.Layers)}], {r.Samples} MNIST test samples, score layers [{string.Join(",", r.ScoreLayers)}], {r.Threads} intra-op threads, median of {r.GoodnessSeconds.Length}\n" +
            $"goodness scoring ({r.Classes} label passes): {r.GoodnessMedian:F3} s  ({r.Samples / r.GoodnessMedian:F0} samples/s)\n" +
            $"hyperspherical FF (1 pass):             {r.HffMedian:F3} s  ({r.Samples / r.HffMedian:F0} samples/s)\n" +
            $"distance-forward (1 pass):              {r.DistanceMedian:F3} s  ({r.Samples / r.DistanceMedian:F0} samples/s)\n" +
            $"mono-forward (1 pass):                  {r.MonoForwardMedian:F3} s  ({r.Samples / r.MonoForwardMedian:F0} samples/s)\n" +
            $"speed-up of inference: HFF {r.Ratio:F1}x, Distance-Forward {r.DistanceRatio:F1}x, Mono-Forward {r.MonoForwardRatio:F1}x");
}
