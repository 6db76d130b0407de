using FFActors.Core.Training;
using ScottPlot;

namespace FFActors.Cli.Output;

/// <summary>PNG of the training curves: per-layer loss (right axis), separation and validation accuracy (left axis).</summary>
public static class MetricsChart
{
    public static void Save(string path, IReadOnlyList<EpochMetrics> metrics, string title)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Left.Label.Text = "separation / accuracy";
        plot.Axes.Right.Label.Text = "loss";
        var layers = metrics.SelectMany(m => m.Layers.Select(l => l.Layer)).Distinct().Order();
        foreach (var layer in layers)
        {
            var rows = metrics.Select((m, i) => (X: (double)(i + 1), S: m.Layers.FirstOrDefault(l => l.Layer == layer))).Where(r => r.S is not null).ToArray();
            var sep = plot.Add.Scatter(rows.Select(r => r.X).ToArray(), rows.Select(r => r.S!.Separation).ToArray());
            sep.LegendText = $"layer {layer} separation";
            var loss = plot.Add.Scatter(rows.Select(r => r.X).ToArray(), rows.Select(r => r.S!.Loss).ToArray());
            loss.LegendText = $"layer {layer} loss";
            loss.LinePattern = LinePattern.Dashed;
            loss.Axes.YAxis = plot.Axes.Right;
        }
        var val = metrics.Select((m, i) => (X: (double)(i + 1), A: m.ValidationAccuracy)).Where(r => r.A is not null).ToArray();
        if (val.Length > 0)
        {
            var acc = plot.Add.Scatter(val.Select(r => r.X).ToArray(), val.Select(r => r.A!.Value).ToArray());
            acc.LegendText = "validation accuracy";
            acc.LineWidth = 3;
        }
        plot.ShowLegend(Alignment.MiddleRight);
        var bytes = plot.GetImageBytes(900, 540, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}
