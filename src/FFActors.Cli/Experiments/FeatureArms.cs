using FFActors.Core.Data;
using FFActors.Core.Training;
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
            ["random-features"] = ctx => new FFFeatures(Untrained(ctx), LabelOverlay.For(ctx.Config.Config.Model), new Dictionary<string, double>(), new Dictionary<string, double[]>()),
            ["backprop-features"] = BackpropFeatures.Train,
            [RbmFeatures.Kind] = RbmFeatures.Train,
            ["pixels"] = _ => new PixelFeatures(),
        };

    static FFNetwork Untrained(FeatureArmContext ctx) =>
        new(ctx.Config.Config.Model, ctx.Config.Config.Train.OptimizerOrDefault, ctx.Config.Config.Run.Seed, ctx.Device);
}

/// <summary>
/// A frozen feature extractor of the transfer protocol. A new kind of feature arm (e.g. CwC-FF,
/// from the variants issue) implements this and registers a factory in <see cref="FeatureArms"/>.
/// </summary>
public interface IFeatureSource : IDisposable
{
    /// <summary>Layers available (0 when the features are the input itself, as for raw pixels).</summary>
    int LayerCount { get; }

    /// <summary>Features of images x [B, F] (no autograd): the concatenated, normalised activities of <paramref name="layers"/>, or x itself when there are no layers.</summary>
    Tensor Features(Tensor x, int[] layers);

    /// <summary>What the extractor scored on its own (source) task, e.g. source_accuracy; may be empty.</summary>
    IReadOnlyDictionary<string, double> SourceMetrics { get; }

    /// <summary>Its training curves on the source dataset; may be empty.</summary>
    IReadOnlyDictionary<string, double[]> SourceCurves { get; }

    /// <summary>Whether its features pass through BatchNorm running statistics (see <see cref="EstimateBatchNorm"/>).</summary>
    bool HasBatchNorm => false;

    /// <summary>Estimates its BatchNorm statistics again on <paramref name="target"/> (weights unchanged); nothing without BatchNorm.</summary>
    void EstimateBatchNorm(Dataset target, int batchSize) { }
}

/// <summary>What a feature arm's factory gets: the arm-seed's configuration, its folder, and the source data (loaded on first use).</summary>
public sealed record FeatureArmContext(
    ExperimentSpec Spec,
    ArmSpec Arm,
    ArmConfig Config,
    string Folder,
    Device Device,
    Func<DataSplits> Source,
    ITrainingObserver Observer,
    CancellationToken Cancel);

/// <summary>The raw (normalised) pixels: what a linear probe gets from the input itself, without any learned features.</summary>
sealed class PixelFeatures : IFeatureSource
{
    public int LayerCount => 0;

    public Tensor Features(Tensor x, int[] layers) => x.alias();

    public IReadOnlyDictionary<string, double> SourceMetrics { get; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, double[]> SourceCurves { get; } = new Dictionary<string, double[]>();

    public void Dispose() { }
}
