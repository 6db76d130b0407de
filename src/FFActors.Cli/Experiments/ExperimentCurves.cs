using FFActors.Core.Training;

namespace FFActors.Cli.Experiments;

/// <summary>The per-epoch curves an arm reports from its training metrics.</summary>
public static class ExperimentCurves
{
    public const string Validation = "validation accuracy";

    public static Dictionary<string, double[]> Of(IReadOnlyList<EpochMetrics> metrics)
    {
        var curves = new Dictionary<string, double[]>();
        if (metrics.Count > 0 && metrics.All(m => m.ValidationAccuracy is not null))
            curves[Validation] = metrics.Select(m => m.ValidationAccuracy!.Value).ToArray();
        int last = metrics.SelectMany(m => m.Layers.Select(l => l.Layer)).DefaultIfEmpty(-1).Max();
        if (last >= 0)
            curves[$"layer {last} separation"] = metrics.Select(m => m.Layers.FirstOrDefault(l => l.Layer == last)?.Separation ?? double.NaN).ToArray();
        // Each layer's OWN goodness gap (mean g⁺ − mean g⁻ on the diagnostic batch, no γ) after every epoch.
        if (metrics.Count > 0 && metrics.All(m => m.Diagnostics is { Count: > 0 }))
            foreach (var d in metrics[0].Diagnostics!)
            {
                curves[$"layer {d.Layer} goodness gap"] = metrics.Select(m => Gap(m.Diagnostics!.First(x => x.Layer == d.Layer))).ToArray();
                // Units that never fire on the diagnostic positives: how a collapse shows (PCL-FF's seed formulation).
                curves[$"layer {d.Layer} dead units"] = metrics.Select(m => m.Diagnostics!.First(x => x.Layer == d.Layer).DeadUnits).ToArray();
            }
        return curves;
    }

    static double Gap(Core.Diagnostics.LayerDiagnostics d) => d.MeanPositive - d.MeanNegative;

    /// <summary>
    /// Per-layer separation after the last epoch: <c>sep_layerN</c> (fraction of samples on the right side of θ by the
    /// layer's own goodness), <c>gap_layerN</c> (mean g⁺ − mean g⁻) and <c>dead_layerN</c> (units silent on every positive). From the end-of-epoch diagnostics when on
    /// (fresh negatives, the trained weights), else from the last epoch's training statistics.
    /// </summary>
    public static Dictionary<string, double> LayerSeparation(IReadOnlyList<EpochMetrics> metrics)
    {
        var result = new Dictionary<string, double>();
        if (metrics.Count == 0) return result;
        var last = metrics[^1];
        if (last.Diagnostics is { Count: > 0 } diagnostics)
            foreach (var d in diagnostics)
            {
                result[$"sep_layer{d.Layer}"] = d.Separation;
                result[$"gap_layer{d.Layer}"] = Gap(d);
                result[$"dead_layer{d.Layer}"] = d.DeadUnits;
            }
        else
            foreach (var l in last.Layers)
            {
                result[$"sep_layer{l.Layer}"] = l.Separation;
                result[$"gap_layer{l.Layer}"] = l.GoodPos - l.GoodNeg;
                result[$"dead_layer{l.Layer}"] = l.DeadUnits;
            }
        return result;
    }
}
