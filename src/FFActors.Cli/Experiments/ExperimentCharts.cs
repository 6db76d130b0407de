using System.Text.Json;
using FFActors.Cli.Output;
using ScottPlot;

namespace FFActors.Cli.Experiments;

/// <summary>The experiment's PNGs: accuracy bars with error bars, per-epoch curves, and the 2-D feature embedding.</summary>
public static class ExperimentCharts
{
    public static void Save(ExperimentSpec spec, IReadOnlyList<ArmSummary> arms, (string Key, string Header)[] metrics)
    {
        Bars(Path.Combine(spec.OutDir, "accuracy.png"), spec, arms, metrics);
        Curves(Path.Combine(spec.OutDir, "curves.png"), spec, arms);
        if (spec.Embedding.Enabled && spec.HasFeatureArms) Embedding(Path.Combine(spec.OutDir, "embedding.png"), spec);
    }

    static void Bars(string path, ExperimentSpec spec, IReadOnlyList<ArmSummary> arms, (string Key, string Header)[] metrics)
    {
        var plot = new Plot();
        plot.Title($"{spec.Name}: mean ± std over seeds");
        plot.Axes.Left.Label.Text = "test accuracy (%)";
        var palette = new ScottPlot.Palettes.Category10();
        int groups = Math.Max(1, metrics.Length);
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        double lowest = 100;
        for (int i = 0; i < arms.Count; i++)
        {
            for (int m = 0; m < metrics.Length; m++)
            {
                if (!arms[i].Metrics.TryGetValue(metrics[m].Key, out var s)) continue;
                double pos = i * (groups + 1) + m;
                bars.Add(new Bar { Position = pos, Value = s.Mean * 100, Error = s.Std * 100, FillColor = palette.GetColor(m) });
                lowest = Math.Min(lowest, (s.Mean - s.Std) * 100);
            }
            ticks.Add(new Tick(i * (groups + 1) + (groups - 1) / 2.0, arms[i].Name));
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = arms.Count > 6 ? 45 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = arms.Count > 6 ? Alignment.MiddleLeft : Alignment.UpperCenter;
        for (int m = 0; m < metrics.Length; m++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = metrics[m].Header, FillColor = palette.GetColor(m) });
        plot.ShowLegend(Edge.Right);
        // Rotated arm names need room below the axis, or they are cut off at the image's edge.
        if (arms.Count > 6) plot.Axes.Bottom.MinimumSize = 20 + 6.5f * arms.Max(a => a.Name.Length);
        if (bars.Count > 0) plot.Axes.SetLimitsY(Math.Max(0, Math.Floor(lowest / 5) * 5 - 5), 100);
        int width = Math.Max(900, 60 * arms.Count * (groups + 1) / 2);
        Write(path, plot.GetImageBytes(width + 300, arms.Count > 6 ? 800 : 540, ImageFormat.Png));
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
                s.LegendText = $"class {cls}";
            }
            if (k == 0) plot.ShowLegend(Alignment.UpperRight);
            else plot.HideLegend();
        }
        multi.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var image = multi.Render(600 * panels.Count, 600);
        Write(path, image.GetImageBytes(ImageFormat.Png, 100));
    }

    static void Write(string path, byte[] bytes) => AtomicFile.Write(path, s => s.Write(bytes));
}
