using System.Diagnostics;
using FFActors.Cli.Jobs;
using FFActors.Cli.Output;
using FFActors.Core.Baselines;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Cli.Experiments;

/// <summary>The kinds of feature arm the transfer protocol knows, by the name used in <c>arms.NAME.kind</c>.</summary>
public static class FeatureArms
{
    /// <summary>
    /// Factories by kind. Extension point: a CwC-FF arm (variants issue) adds
    /// <c>["cwc-features"] = ctx => new CwcFeatures(...)</c> returning its per-layer features.
    /// </summary>
    public static IReadOnlyDictionary<string, Func<FeatureArmContext, IFeatureSource>> Kinds { get; } =
        new Dictionary<string, Func<FeatureArmContext, IFeatureSource>>
        {
            ["ff-features"] = FFFeatures.Train,
            ["random-features"] = ctx => new FFFeatures(Untrained(ctx), new Dictionary<string, double>(), new Dictionary<string, double[]>()),
            ["backprop-features"] = BackpropFeatures.Train,
            ["pixels"] = _ => new PixelFeatures(),
        };

    static FFNetwork Untrained(FeatureArmContext ctx) =>
        new(ctx.Config.Config.Model, ctx.Config.Config.Train.OptimizerOrDefault, ctx.Config.Config.Run.Seed, ctx.Device);
}

/// <summary>An FF network's features: normalised activities under the neutral label overlay (the softmax head's input).</summary>
sealed class FFFeatures(FFNetwork net, IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, double[]> curves) : IFeatureSource
{
    readonly LabelOverlay overlay = new();

    public int LayerCount => net.Layers.Count;

    public Tensor Features(Tensor x, int[] layers) => SoftmaxHead.Features(net, x, overlay, layers);

    public IReadOnlyDictionary<string, double> SourceMetrics => metrics;

    public IReadOnlyDictionary<string, double[]> SourceCurves => curves;

    /// <summary>Trains on the source dataset exactly as `ffactors train` does (run folder in the arm's folder), then freezes.</summary>
    public static IFeatureSource Train(FeatureArmContext ctx)
    {
        var config = ctx.Config.Config with { Run = ctx.Config.Config.Run with { OutDir = ctx.Folder, Name = "run" } };
        var job = new TrainJob(config, ctx.Config.Runtime);
        var run = RunFolder.Create(ctx.Folder, "run");
        run.WriteConfig(ctx.Config.Render());
        var data = ctx.Source();
        var clock = Stopwatch.StartNew();
        var trained = job.Train(data, run, resume: false, ctx.Observer, ctx.Cancel);
        var done = job.Finish(data, run, trained, clock);
        if (done.Evaluation is not { } e)
        {
            trained.Network.Dispose();
            throw new OperationCanceledException("training was stopped");
        }
        var metrics = new Dictionary<string, double> { ["source_goodness"] = e.GoodnessAccuracy, ["train_seconds"] = done.TrainSeconds };
        if (!double.IsNaN(e.HeadAccuracy)) metrics["source_head"] = e.HeadAccuracy;
        return new FFFeatures(trained.Network, metrics, ExperimentCurves.Of(trained.Metrics));
    }

    public void Dispose() => net.Dispose();
}

/// <summary>The backprop baseline's features: its hidden activities, normalised like the FF layers' head input.</summary>
sealed class BackpropFeatures(BackpropMlp mlp, InputNorm norm, IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, double[]> curves) : IFeatureSource
{
    public int LayerCount => mlp.LayerCount;

    public Tensor Features(Tensor x, int[] layers) => mlp.Features(x, layers, norm);

    public IReadOnlyDictionary<string, double> SourceMetrics => metrics;

    public IReadOnlyDictionary<string, double[]> SourceCurves => curves;

    public static IFeatureSource Train(FeatureArmContext ctx)
    {
        var config = ctx.Config.Config;
        var data = ctx.Source();
        var clock = Stopwatch.StartNew();
        using var init = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.LayerInit));
        using var order = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.DataOrder));
        var mlp = new BackpropMlp(config.Model.Layers, data.Info.Classes, init);
        mlp.to(ctx.Device);
        var losses = mlp.Fit(data.Train, ctx.Spec.Transfer.Backprop, order);
        var metrics = new Dictionary<string, double>
        {
            ["source_accuracy"] = mlp.Accuracy(data.Test, config.Eval.BatchSize),
            ["train_seconds"] = clock.Elapsed.TotalSeconds,
        };
        return new BackpropFeatures(mlp, config.Model.InputNorm, metrics, new Dictionary<string, double[]> { ["backprop loss"] = losses });
    }

    public void Dispose() => mlp.Dispose();
}

/// <summary>The raw (normalised) pixels: the linear-probe floor every learned feature must beat.</summary>
sealed class PixelFeatures : IFeatureSource
{
    public int LayerCount => 0;

    public Tensor Features(Tensor x, int[] layers) => x.alias();

    public IReadOnlyDictionary<string, double> SourceMetrics { get; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, double[]> SourceCurves { get; } = new Dictionary<string, double[]>();

    public void Dispose() { }
}
