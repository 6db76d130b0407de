using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Diagnostics;

/// <summary>
/// Per-layer diagnostics at the end of each epoch (<c>eval.diagnostics</c>): the first
/// <c>samples</c> training images, their positives and freshly drawn negatives (a strategy instance and
/// a generator stream of its own, so training's random streams are untouched), run through a copy of
/// the network (<see cref="Replica"/>, which the caller refreshes from the trained layers first).
/// Core's trainer and the actor runtime's coordinator both use it, so their diagnostics agree.
/// </summary>
public sealed class DiagnosticsProbe : IDisposable
{
    readonly FFConfig config;
    readonly Tensor images, labels;
    readonly LabelOverlay overlay;
    readonly INegativeStrategy strategy;
    readonly IReadOnlyList<Objective> options;

    /// <summary>All layers; also the model view for model-driven strategies' diagnostic negatives.</summary>
    public ModelReplica Replica { get; }

    public DiagnosticsProbe(FFConfig config, Dataset train, IReadOnlyList<LayerSpec> specs)
    {
        this.config = config;
        options = specs.Select(ModelReplica.ObjectiveOf).ToArray();
        int n = Math.Min(config.Eval.DiagnosticSamples, train.Count);
        images = train.Rows(0, n).DetachFromDisposeScope();
        labels = train.Labels.narrow(0, 0, n).DetachFromDisposeScope();
        overlay = LabelOverlay.For(config.Model);
        strategy = NegativeSetup.Create(config, overlay);
        Replica = new ModelReplica(specs, config.Eval.ScoreLayersFor(options.Count), train.Device, allLayers: true);
    }

    /// <summary>Diagnostics of every layer for the network now in <see cref="Replica"/>, after 0-based <paramref name="epoch"/>.</summary>
    public IReadOnlyList<LayerDiagnostics> Measure(int epoch)
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.Diagnostics, epoch));
        var builder = new BatchBuilder(overlay, strategy, gen);
        var (pos, neg) = builder.Build(images, labels, strategy.NeedsModel ? Replica : null);
        using var _ = no_grad();
        var result = new List<LayerDiagnostics>(options.Count);
        for (int l = 0; l < options.Count; l++)
        {
            pos = Replica.Forward(l, pos);
            neg = Replica.Forward(l, neg);
            result.Add(Of(l, options[l], pos, neg, config.Eval.DiagnosticBins));
        }
        return result;
    }

    /// <summary>Diagnostics of one layer from its activities on positives and negatives [B, H].</summary>
    public static LayerDiagnostics Of(int layer, Objective objective, Tensor hPos, Tensor hNeg, int bins)
    {
        using var scope = NewDisposeScope();
        var gPos = objective.GoodnessOf(hPos).to(ScalarType.Float64);
        var gNeg = objective.GoodnessOf(hNeg).to(ScalarType.Float64);
        double theta = objective.Threshold;
        var both = cat([gPos, gNeg]);
        double min = both.min().item<double>(), max = both.max().item<double>();
        if (!(max > min)) max = min + 1;
        double right = (gPos.gt(KeptScalars.Of(theta)).sum().item<long>() + gNeg.le(KeptScalars.Of(theta)).sum().item<long>()) / (double)both.shape[0];
        var active = hPos.gt(KeptScalars.Of(0.0));
        double dead = active.any(0).logical_not().to(ScalarType.Float64).mean().item<double>();
        double saturated = active.all(0).to(ScalarType.Float64).mean().item<double>();
        return new LayerDiagnostics(layer, theta, gPos.mean().item<double>(), gNeg.mean().item<double>(), right, dead, saturated,
            min, max, Histogram(gPos, min, max, bins), Histogram(gNeg, min, max, bins));
    }

    static long[] Histogram(Tensor values, double min, double max, int bins)
    {
        var bin = values.sub(KeptScalars.Of(min)).div(KeptScalars.Of((max - min) / bins)).floor()
            .clamp(KeptScalars.Of(0.0), KeptScalars.Of(bins - 1.0)).to(ScalarType.Int64);
        return bincount(bin, minlength: bins).data<long>().ToArray();
    }

    public void Dispose()
    {
        images.Dispose();
        labels.Dispose();
        (strategy as IDisposable)?.Dispose();
        Replica.Dispose();
    }
}

/// <summary>
/// One layer's health at the end of an epoch, measured on a fixed diagnostic batch of positives and
/// negatives: goodness histograms (shared bin edges from <see cref="Min"/> to <see cref="Max"/>),
/// the separation at θ, and the units that never fire (dead) or always fire (saturated) on positives.
/// </summary>
/// <param name="Separation">Fraction of samples on the right side of θ (positives above, negatives below).</param>
/// <param name="DeadUnits">Fraction of units that are zero for every positive of the diagnostic batch.</param>
/// <param name="SaturatedUnits">Fraction of units that are active for every positive (a ReLU that never
/// switches off is linear: it carries no more information than its input's projection).</param>
/// <param name="Positive">Histogram counts of the positives' goodness, <c>Positive.Length</c> equal bins over [Min, Max].</param>
public sealed record LayerDiagnostics(
    int Layer,
    double Threshold,
    double MeanPositive,
    double MeanNegative,
    double Separation,
    double DeadUnits,
    double SaturatedUnits,
    double Min,
    double Max,
    long[] Positive,
    long[] Negative);
