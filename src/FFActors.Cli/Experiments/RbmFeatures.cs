using System.Diagnostics;
using FFActors.Cli.Configuration;
using FFActors.Core;
using FFActors.Core.Baselines;
using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Cli.Experiments;

/// <summary>
/// The Boltzmann-machine contrast's features: a stack of RBMs with the widths of <c>model.layers</c> (one hidden layer: a
/// single RBM; more: a DBN trained greedily), each trained by CD-k (<c>experiment.transfer.rbm</c>) on the source data; a
/// layer's features are its hidden probabilities, normalised like the FF layers' head input.
/// </summary>
sealed class RbmFeatures(DeepBeliefNet dbn, InputNorm norm, IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, double[]> curves) : IFeatureSource
{
    public const string Kind = "rbm-features";

    public int LayerCount => dbn.LayerCount;

    public Tensor Features(Tensor x, int[] layers) => dbn.Features(x, layers, norm);

    public IReadOnlyDictionary<string, double> SourceMetrics => metrics;

    public IReadOnlyDictionary<string, double[]> SourceCurves => curves;

    /// <summary>Bernoulli visible units read the pixels as probabilities: the arm's data must be in [0, 1].</summary>
    public static void CheckData(FFConfig config, string origin)
    {
        if (config.Data.Normalization != Normalization.Unit)
            throw new ConfigException(origin, "data.normalization",
                $"{Kind} reads pixel intensities as the probabilities of Bernoulli units and needs unit ([0, 1]), not {config.Data.Normalization.ToString().ToLowerInvariant()}");
    }

    /// <summary>Trains the stack on the source dataset: initial weights, data order and Gibbs chains each from their own stream of the seed.</summary>
    public static IFeatureSource Train(FeatureArmContext ctx)
    {
        var config = ctx.Config.Config;
        var data = ctx.Source();
        var clock = Stopwatch.StartNew();
        using var init = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.LayerInit));
        using var order = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.DataOrder));
        using var gibbs = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.Negatives));
        var dbn = new DeepBeliefNet(config.Model.Layers, init, ctx.Device);
        try
        {
            var errors = dbn.Fit(data.Train, ctx.Spec.Transfer.Rbm, order, gibbs, (_, _, _) => ctx.Cancel.ThrowIfCancellationRequested());
            var metrics = new Dictionary<string, double> { ["train_seconds"] = clock.Elapsed.TotalSeconds };
            var curves = errors.Select((e, l) => ($"rbm {l} reconstruction error", e)).ToDictionary(c => c.Item1, c => c.e);
            return new RbmFeatures(dbn, config.Model.InputNorm, metrics, curves);
        }
        catch
        {
            dbn.Dispose();
            throw;
        }
    }

    public void Dispose() => dbn.Dispose();
}
