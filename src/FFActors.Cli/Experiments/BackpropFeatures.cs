using System.Diagnostics;
using FFActors.Core.Baselines;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Cli.Experiments;

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
