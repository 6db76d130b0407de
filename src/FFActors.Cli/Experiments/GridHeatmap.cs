using System.Globalization;
using FFActors.Cli.Output;
using ScottPlot;

namespace FFActors.Cli.Experiments;

/// <summary>
/// An experiment whose arms form a grid (<c>experiment.grid</c> over two or more keys) as heat maps: the first
/// varying key across, the combinations of the others down, one panel per accuracy, each cell its mean over the
/// seeds. An arm that sets only the first key (the collaboration grid's <c>s0</c>: scale 0, where mode and
/// exchange do not matter) fills its column in every row.
/// </summary>
public static class GridHeatmap
{
    /// <summary>One arm as the heat map reads it: its own overrides (key=value) and its mean figures.</summary>
    public sealed record Arm(IReadOnlyList<string> Overrides, IReadOnlyDictionary<string, double> Means);

    /// <param name="ColumnKey">The key across (e.g. train.collaboration.scale).</param>
    /// <param name="Columns">Its values, in the order the arms first name them.</param>
    /// <param name="RowKeys">The keys down.</param>
    /// <param name="Rows">Their value combinations, e.g. "mode=all, exchange=exact".</param>
    /// <param name="Cells">Per figure: [row, column] means, NaN where no arm has it.</param>
    public sealed record Layout(string ColumnKey, IReadOnlyList<string> Columns, IReadOnlyList<string> RowKeys, IReadOnlyList<string> Rows,
        IReadOnlyDictionary<string, double[,]> Cells);

    /// <summary>The grid the arms form for <paramref name="figures"/>, or null when they form none (fewer than two keys vary).</summary>
    public static Layout? Of(IReadOnlyList<Arm> arms, IReadOnlyList<string> figures)
    {
        var parsed = arms.Select(a => (Values: Parse(a.Overrides), a.Means)).ToList();
        // The grid's arms share the largest key set; keys with one value there (set alike in every arm) are not axes.
        var keys = parsed.Where(p => p.Values.Count >= 2).GroupBy(p => string.Join("\n", p.Values.Keys))
            .OrderByDescending(g => g.Count()).FirstOrDefault()?.First().Values.Keys.ToList();
        if (keys is null) return null;
        var grid = parsed.Where(p => p.Values.Keys.SequenceEqual(keys)).ToList();
        var axes = keys.Where(k => grid.Select(p => p.Values[k]).Distinct().Count() >= 2).ToList();
        if (axes.Count < 2) return null;
        string across = axes[0];
        var down = axes.Skip(1).ToList();

        // Arms that set the column key and nothing the rows vary by (a baseline) join as columns of their own.
        var baselines = parsed.Where(p => !p.Values.Keys.SequenceEqual(keys) && p.Values.ContainsKey(across) && !down.Any(p.Values.ContainsKey)).ToList();
        var columns = parsed.Where(p => grid.Contains(p) || baselines.Contains(p)).Select(p => p.Values[across]).Distinct().ToList();
        string RowOf(Dictionary<string, string> v) => string.Join(", ", down.Select(k => $"{Short(k)}={v[k]}"));
        var rows = grid.Select(p => RowOf(p.Values)).Distinct().ToList();

        var cells = new Dictionary<string, double[,]>();
        foreach (var figure in figures)
        {
            var m = new double[rows.Count, columns.Count];
            for (int r = 0; r < rows.Count; r++)
                for (int c = 0; c < columns.Count; c++)
                    m[r, c] = double.NaN;
            foreach (var p in grid)
                if (p.Means.TryGetValue(figure, out var v)) m[rows.IndexOf(RowOf(p.Values)), columns.IndexOf(p.Values[across])] = v;
            foreach (var p in baselines)
                if (p.Means.TryGetValue(figure, out var v))
                    for (int r = 0; r < rows.Count; r++) m[r, columns.IndexOf(p.Values[across])] = v;
            if (!double.IsNaN(m.Cast<double>().DefaultIfEmpty(double.NaN).Max())) cells[figure] = m;
        }
        return cells.Count == 0 ? null : new Layout(across, columns, down, rows, cells);
    }

    /// <summary>Draws <paramref name="layout"/> (accuracies as fractions, drawn in %), one panel per figure in <paramref name="headers"/>.</summary>
    public static void Save(string path, string title, Layout layout, IReadOnlyList<(string Key, string Header)> headers)
    {
        var panels = headers.Where(h => layout.Cells.ContainsKey(h.Key)).ToList();
        if (panels.Count == 0) return;
        var multi = new Multiplot();
        for (int k = 0; k < panels.Count; k++)
        {
            // A new Multiplot already holds one plot: use it for the first panel.
            var plot = k == 0 ? multi.GetPlot(0) : multi.AddPlot();
            Panel(plot, $"{title}\n{panels[k].Header}, test accuracy (%)", layout, layout.Cells[panels[k].Key]);
        }
        multi.Layout = new ScottPlot.MultiplotLayouts.Columns();
        int width = Math.Max(480, 150 + 70 * layout.Columns.Count + 8 * layout.Rows.Max(r => r.Length));
        var image = multi.Render(width * panels.Count, Math.Max(300, 170 + 48 * layout.Rows.Count));
        var bytes = image.GetImageBytes(ImageFormat.Png, 100);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    static void Panel(Plot plot, string title, Layout layout, double[,] cells)
    {
        plot.Title(title);
        var values = cells.Cast<double>().Where(v => !double.IsNaN(v)).ToList();
        double lo = values.Min(), hi = values.Max();
        var colormap = new ScottPlot.Colormaps.Viridis();
        for (int r = 0; r < layout.Rows.Count; r++)
        {
            for (int c = 0; c < layout.Columns.Count; c++)
            {
                double v = cells[r, c];
                double top = -r + 0.5, bottom = -r - 0.5;
                var cell = plot.Add.Rectangle(c - 0.5, c + 0.5, bottom, top);
                cell.LineWidth = 1;
                cell.LineColor = Colors.White;
                if (double.IsNaN(v))
                {
                    cell.FillColor = Colors.LightGray;
                    continue;
                }
                double f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
                cell.FillColor = colormap.GetColor(f);
                var text = plot.Add.Text((v * 100).ToString("F1", CultureInfo.InvariantCulture), c, -r);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 14;
                // Light text on the dark end of the colormap, dark text on the light end.
                text.LabelFontColor = f < 0.6 ? Colors.White : Colors.Black;
            }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            layout.Columns.Select((v, i) => new Tick(i, v)).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            layout.Rows.Select((v, i) => new Tick(-i, v)).ToArray());
        plot.Axes.Bottom.Label.Text = Short(layout.ColumnKey);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.HideGrid();
        plot.Axes.SetLimits(-0.5, layout.Columns.Count - 0.5, -layout.Rows.Count + 0.5, 0.5);
    }

    /// <summary>The last segment of a key: train.collaboration.scale → scale.</summary>
    static string Short(string key) => key[(key.LastIndexOf('.') + 1)..];

    /// <summary>key=value overrides in order; a value keeps any '=' of its own.</summary>
    static Dictionary<string, string> Parse(IReadOnlyList<string> overrides)
    {
        var d = new Dictionary<string, string>();
        foreach (var o in overrides)
        {
            int eq = o.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) d[o[..eq]] = o[(eq + 1)..];
        }
        return d;
    }
}
