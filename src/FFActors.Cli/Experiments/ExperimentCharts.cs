using System.Text.Json;
using FFActors.Cli.Output;
using ScottPlot;

namespace FFActors.Cli.Experiments;

/// <summary>The experiment's PNGs: accuracy bars with error bars, per-epoch curves, dead units per layer (with
/// diagnostics), and the 2-D feature embedding.</summary>
public static class ExperimentCharts
{
    public static void Save(ExperimentSpec spec, IReadOnlyList<ArmSummary> arms, (string Key, string Header)[] metrics)
    {
        Bars(Path.Combine(spec.OutDir, "accuracy.png"), spec, arms, metrics);
        Curves(Path.Combine(spec.OutDir, "curves.png"), spec, arms);
        if (arms.Any(a => a.MeanCurves.Keys.Any(IsDeadUnits))) DeadUnits(Path.Combine(spec.OutDir, "dead-units.png"), spec, arms);
        if (spec.Embedding.Enabled && spec.HasFeatureArms) Embedding(Path.Combine(spec.OutDir, "embedding.png"), spec);
        var grid = GridHeatmap.Of(arms.Where(a => a.Runs > 0).Select(a => new GridHeatmap.Arm(a.Overrides, a.Metrics.ToDictionary(m => m.Key, m => m.Value.Mean))).ToList(),
            GridFigures.Select(f => f.Key).ToList());
        if (grid is not null) GridHeatmap.Save(Path.Combine(spec.OutDir, "grid.png"), spec.Name + (spec.Quick ? " (quick)" : ""), grid, GridFigures);
    }

    /// <summary>The accuracies a grid's heat map shows, one panel each.</summary>
    static readonly (string Key, string Header)[] GridFigures = [("goodness", "goodness scoring"), ("head", "softmax head")];

    /// <summary>The grid an experiment result's arms form (<see cref="GridHeatmap"/>), or null when they form none.</summary>
    public static GridHeatmap.Layout? ResultGrid(Report.ResultFile file) =>
        GridHeatmap.Of(file.Rows.Where(r => r.Seeds.Count > 0)
            .Select(r => new GridHeatmap.Arm(r.Overrides, r.Summary.Where(f => f.Value.N > 0).ToDictionary(f => f.Key, f => f.Value.Mean))).ToList(),
            GridFigures.Select(f => f.Key).ToList());

    /// <summary>The heat map of an experiment result whose arms form a grid (docs/img); false when they form none.</summary>
    public static bool SaveResultGrid(string path, Report.ResultFile file)
    {
        if (ResultGrid(file) is not { } grid) return false;
        GridHeatmap.Save(path, file.Title, grid, GridFigures);
        return true;
    }

    static void Bars(string path, ExperimentSpec spec, IReadOnlyList<ArmSummary> arms, (string Key, string Header)[] metrics) =>
        Write(path, HorizontalBars($"{spec.Name}: test accuracy, mean ± std over seeds",
            arms.Select(a => a.Name).ToList(),
            metrics.Select(m => (m.Header, (IReadOnlyList<(double Mean, double Std)?>)arms
                .Select(a => a.Metrics.TryGetValue(m.Key, out var s) ? (s.Mean, s.Std) : ((double, double)?)null).ToList())).ToList()));

    /// <summary>The bar chart of an experiment result file (docs/img), drawn like the experiment's own accuracy.png.</summary>
    public static void SaveResultBars(string path, Report.ResultFile file)
    {
        var keys = new[] { ("goodness", "goodness scoring"), ("head", "softmax head / linear probe") };
        if (file.Rows.Any(r => r.Summary.ContainsKey("probe_all"))) keys = [("probe_last", "probe, last layer"), ("probe_all", "probe, all layers")];
        var series = keys.Where(k => file.Rows.Any(r => r.Summary.ContainsKey(k.Item1)))
            .Select(k => (k.Item2, (IReadOnlyList<(double Mean, double Std)?>)file.Rows
                .Select(r => r.Summary.TryGetValue(k.Item1, out var s) && s.N > 0 ? (s.Mean, s.Sd) : ((double, double)?)null).ToList())).ToList();
        Write(path, HorizontalBars($"{file.Title}: test accuracy, mean ± sd over seeds", file.Rows.Select(r => r.Name).ToList(), series));
    }

    /// <summary>
    /// One group of horizontal bars per row, one bar per series (accuracies as fractions, drawn in %),
    /// first row at the top. Horizontal bars leave each row's name a whole line of its own: long arm
    /// names (negatives=different-image-wrong-label) never overlap as x-axis labels do.
    /// </summary>
    static byte[] HorizontalBars(string title, IReadOnlyList<string> rows, IReadOnlyList<(string Header, IReadOnlyList<(double Mean, double Std)?> Values)> series)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.Axes.Bottom.Label.Text = "test accuracy (%)";
        var palette = new ScottPlot.Palettes.Category10();
        int groups = Math.Max(1, series.Count);
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        double lowest = 100;
        for (int i = 0; i < rows.Count; i++)
        {
            double top = -i * (groups + 1);
            for (int m = 0; m < series.Count; m++)
            {
                if (series[m].Values[i] is not { } v) continue;
                bars.Add(new Bar { Position = top - m, Value = v.Mean * 100, Error = v.Std * 100, FillColor = palette.GetColor(m), Orientation = Orientation.Horizontal });
                lowest = Math.Min(lowest, (v.Mean - v.Std) * 100);
            }
            ticks.Add(new Tick(top - (groups - 1) / 2.0, rows[i]));
        }
        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        for (int m = 0; m < series.Count; m++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[m].Header, FillColor = palette.GetColor(m) });
        plot.ShowLegend(Edge.Bottom);
        if (bars.Count > 0)
        {
            plot.Axes.SetLimitsX(Math.Max(0, Math.Floor(lowest / 5) * 5 - 5), 100);
            plot.Axes.SetLimitsY(-(rows.Count - 1) * (groups + 1) - groups + 0.2, 0.8);
        }
        int height = 140 + 22 * rows.Count * (groups + 1);
        return plot.GetImageBytes(900, Math.Max(300, height), ImageFormat.Png);
    }

    static void Curves(string path, ExperimentSpec spec, IReadOnlyList<ArmSummary> arms)
    {
        var plot = new Plot();
        plot.Title($"{spec.Name}: per-epoch curves (mean over seeds)");
        plot.XLabel("epoch");
        plot.YLabel("accuracy / separation");
        foreach (var a in arms)
        {
            var name = a.MeanCurves.Keys.FirstOrDefault(k => k.StartsWith("probe validation accuracy (all", StringComparison.Ordinal))
                ?? a.MeanCurves.Keys.FirstOrDefault(k => k == ExperimentCurves.Validation)
                ?? a.MeanCurves.Keys.FirstOrDefault(k => k.EndsWith("separation", StringComparison.Ordinal));
            if (name is null || a.MeanCurves[name].Length == 0) continue;
            var ys = a.MeanCurves[name];
            var line = plot.Add.Scatter(Enumerable.Range(1, ys.Length).Select(i => (double)i).ToArray(), ys);
            line.LegendText = $"{a.Name}: {name}";
        }
        plot.ShowLegend(Edge.Right);
        Write(path, plot.GetImageBytes(1300, 600, ImageFormat.Png));
    }

    static bool IsDeadUnits(string curve) => curve.EndsWith(" dead units", StringComparison.Ordinal);

    /// <summary>Per arm and layer, the fraction of units silent on every diagnostic positive after each epoch: how a
    /// collapse shows.</summary>
    static void DeadUnits(string path, ExperimentSpec spec, IReadOnlyList<ArmSummary> arms)
    {
        var plot = new Plot();
        plot.Title($"{spec.Name}: dead units per layer (mean over seeds)");
        plot.XLabel("epoch");
        plot.YLabel("fraction of units dead");
        // A colour per arm and a line pattern per layer, so that arms × layers stay apart past the palette's ten colours.
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < arms.Count; i++)
        {
            var curves = arms[i].MeanCurves.Where(c => IsDeadUnits(c.Key) && c.Value.Length > 0).OrderBy(c => c.Key, StringComparer.Ordinal).ToArray();
            for (int l = 0; l < curves.Length; l++)
            {
                var (name, ys) = (curves[l].Key, curves[l].Value);
                var line = plot.Add.Scatter(Enumerable.Range(1, ys.Length).Select(i => (double)i).ToArray(), ys);
                line.LegendText = $"{arms[i].Name}: {name}";
                line.Color = palette.GetColor(i);
                line.LinePattern = patterns[l % patterns.Length];
                line.LineWidth = 2;
            }
        }
        plot.Axes.SetLimitsY(-0.02, 1.02);
        plot.ShowLegend(Edge.Right);
        Write(path, plot.GetImageBytes(1300, 600, ImageFormat.Png));
    }

    static void Embedding(string path, ExperimentSpec spec)
    {
        var panels = new List<EmbeddingPoints>();
        foreach (var arm in spec.Arms.Where(spec.Embedding.Includes))
        {
            var file = Path.Combine(spec.OutDir, "arms", arm.FolderName, $"seed-{spec.Seeds[0]}", ArmRunner.EmbeddingFile);
            if (File.Exists(file) && JsonSerializer.Deserialize<EmbeddingPoints>(File.ReadAllText(file), ArmRunner.Json) is { } p) panels.Add(p);
        }
        if (panels.Count == 0) return;
        var multi = new Multiplot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < panels.Count; k++)
        {
            var p = panels[k];
            // A new Multiplot already holds one plot: use it for the first panel.
            var plot = k == 0 ? multi.GetPlot(0) : multi.AddPlot();
            plot.Title($"{p.Arm} ({p.Method}, {p.Features})");
            for (int cls = 0; cls <= p.Labels.DefaultIfEmpty(0).Max(); cls++)
            {
                var idx = Enumerable.Range(0, p.Labels.Length).Where(i => p.Labels[i] == cls).ToArray();
                if (idx.Length == 0) continue;
                var s = plot.Add.ScatterPoints(idx.Select(i => (double)p.X[i]).ToArray(), idx.Select(i => (double)p.Y[i]).ToArray(), palette.GetColor(cls));
                s.MarkerSize = 3;
                s.LegendText = spec.Transfer.Target == "fashion-mnist" && cls < FashionClasses.Length ? FashionClasses[cls] : $"class {cls}";
            }
            if (k == 0) plot.ShowLegend(Alignment.UpperRight);
            else plot.HideLegend();
        }
        multi.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var image = multi.Render(600 * panels.Count, 600);
        Write(path, image.GetImageBytes(ImageFormat.Png, 100));
    }

    /// <summary>Fashion-MNIST's labels 0-9 (Xiao et al. 2017).</summary>
    static readonly string[] FashionClasses = ["T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    static void Write(string path, byte[] bytes) => AtomicFile.Write(path, s => s.Write(bytes));
}
