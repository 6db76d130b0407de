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
        return curves;
    }
}
