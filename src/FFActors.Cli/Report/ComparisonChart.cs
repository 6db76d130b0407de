using FFActors.Cli.Output;
using ScottPlot;

namespace FFActors.Cli.Report;

/// <summary>
/// The comparison's picture: one panel per measured dimension (MNIST accuracy, transfer, training time, inference
/// time), a horizontal bar per model that has the figure. Panels instead of the seed's radar: the dimensions have
/// different units and the rows different protocols, and a radar's area would add them up as if they did not.
/// </summary>
public static class ComparisonChart
{
    /// <summary>Draws <see cref="Comparison.ChartPath"/> under <paramref name="root"/> from the result files there.</summary>
    public static void Save(string root)
    {
        var models = Comparison.Models;
        var panels = new (string Title, string Axis, Func<Comparison.Model, Comparison.Source?> Pick, double Scale, string Format)[]
        {
            ("MNIST test accuracy", "% (* = quick profile)", m => m.Accuracy, 100, "F1"),
            ("transfer: Fashion-MNIST probe", "% (* = quick profile)", m => m.Transfer, 100, "F1"),
            ("training time", "s (each row's own protocol)", m => m.Training, 1, "F0"),
            ("inference time", "s (bench inference)", m => m.Inference, 1, "F2"),
        };
        var multi = new Multiplot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < panels.Length; k++)
        {
            var (title, axis, pick, scale, format) = panels[k];
            // A new Multiplot already holds one plot: use it for the first panel.
            var plot = k == 0 ? multi.GetPlot(0) : multi.AddPlot();
            plot.Title(title);
            plot.Axes.Bottom.Label.Text = axis;
            var bars = new List<Bar>();
            var ticks = new List<Tick>();
            double lowest = double.MaxValue, highest = 0;
            for (int i = 0; i < models.Count; i++)
            {
                ticks.Add(new Tick(-i, k == 0 ? models[i].Name : ""));
                if (Comparison.Find(root, pick(models[i])) is not { } found) continue;
                double v = found.Value * scale;
                bars.Add(new Bar { Position = -i, Value = v, FillColor = palette.GetColor(i % 10), Orientation = Orientation.Horizontal, Label = v.ToString(format, System.Globalization.CultureInfo.InvariantCulture) + (found.File.EndsWith("-quick.json", StringComparison.Ordinal) ? "*" : "") });
                (lowest, highest) = (Math.Min(lowest, v), Math.Max(highest, v));
            }
            var series = plot.Add.Bars(bars);
            series.ValueLabelStyle.FontSize = 11;
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
            plot.Axes.Left.MajorTickStyle.Length = 0;
            plot.Axes.SetLimitsY(-models.Count + 0.4, 0.6);
            if (bars.Count > 0)
                plot.Axes.SetLimitsX(scale == 100 ? Math.Max(0, Math.Floor(lowest / 10) * 10 - 10) : 0, scale == 100 ? 107 : highest * 1.2);
        }
        multi.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var image = multi.Render(1800, 40 * models.Count + 160);
        var path = Path.Combine(root, Comparison.ChartPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, s => s.Write(image.GetImageBytes(ImageFormat.Png, 100)));
    }
}
