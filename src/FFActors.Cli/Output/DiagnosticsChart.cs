using FFActors.Core.Diagnostics;
using ScottPlot;

namespace FFActors.Cli.Output;

/// <summary>PNGs of the per-layer diagnostics: goodness histograms of positives and negatives, receptive fields.</summary>
public static class DiagnosticsChart
{
    /// <summary>One PNG per layer: the two goodness histograms of one epoch with θ marked.</summary>
    public static IReadOnlyList<string> SaveHistograms(string folder, IReadOnlyList<LayerDiagnostics> layers, int epoch, string title)
    {
        var written = new List<string>();
        foreach (var d in layers)
        {
            var plot = new Plot();
            plot.Title($"{title}: layer {d.Layer} goodness after epoch {epoch}");
            plot.XLabel("goodness");
            plot.YLabel("samples");
            int bins = d.Positive.Length;
            double width = (d.Max - d.Min) / bins;
            AddBars(plot, d.Positive, d.Min, width, Colors.SteelBlue.WithAlpha(0.6), $"positives (mean {d.MeanPositive:G4})");
            AddBars(plot, d.Negative, d.Min, width, Colors.OrangeRed.WithAlpha(0.6), $"negatives (mean {d.MeanNegative:G4})");
            var theta = plot.Add.VerticalLine(d.Threshold);
            theta.LegendText = $"θ = {d.Threshold:G4}; separation {d.Separation:P1}, dead {d.DeadUnits:P1}, saturated {d.SaturatedUnits:P1}";
            theta.LinePattern = LinePattern.Dashed;
            plot.Axes.Margins(bottom: 0, top: 0.35); // room for the legend above the bars
            plot.ShowLegend(Alignment.UpperRight);
            var path = Path.Combine(folder, $"goodness-layer{d.Layer}.png");
            var bytes = plot.GetImageBytes(900, 540, ImageFormat.Png);
            AtomicFile.Write(path, s => s.Write(bytes));
            written.Add(path);
        }
        return written;
    }

    static void AddBars(Plot plot, long[] counts, double min, double width, Color color, string label)
    {
        var bars = counts.Select((c, i) => new Bar
        {
            Position = min + (i + 0.5) * width,
            Value = c,
            Size = width,
            FillColor = color,
            LineWidth = 0,
        }).ToArray();
        var series = plot.Add.Bars(bars);
        series.LegendText = label;
        series.Color = color;
    }

    /// <summary>The receptive-field grid (<see cref="ReceptiveFields.Grid"/>) as a heat map, blue negative, red positive.</summary>
    public static void SaveReceptiveFields(string path, double[,] grid, string title)
    {
        var plot = new Plot();
        var map = plot.Add.Heatmap(grid);
        map.Colormap = new ScottPlot.Colormaps.Balance();
        map.NaNCellColor = Colors.White;
        map.ManualRange = new ScottPlot.Range(-1, 1);
        var bar = plot.Add.ColorBar(map);
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual([new Tick(-1, "-1"), new Tick(-0.5, "-0.5"), new Tick(0, "0"), new Tick(0.5, "0.5"), new Tick(1, "1")]);
        plot.Axes.Frameless();
        plot.HideGrid();
        // Frameless hides the title panel too: set the title after it.
        plot.Title(title);
        int h = grid.GetLength(0), w = grid.GetLength(1);
        int scale = Math.Max(2, 900 / Math.Max(w, 1));
        var bytes = plot.GetImageBytes(Math.Min(2000, w * scale + 150), Math.Min(2000, h * scale + 80), ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}
