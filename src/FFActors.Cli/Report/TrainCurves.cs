using System.Globalization;
using System.Text;
using ScottPlot;

namespace FFActors.Cli.Report;

/// <summary>
/// The per-epoch curve of a train result file (<see cref="SeedFigures.Curves"/>): the validation accuracy after each
/// epoch and the wall time up to it, as a table of selected epochs and as a line chart of every epoch (a line per seed).
/// </summary>
public static class TrainCurves
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Whether <paramref name="file"/> is a train result with a validation curve for every seed.</summary>
    public static bool Has(ResultFile file) =>
        file.Kind == ResultFile.TrainKind && file.Rows.Count == 1 && file.Rows[0].Seeds.Count > 0
        && file.Rows[0].Seeds.All(s => s.Curves?.ContainsKey(SeedFigures.ValidationCurve) == true);

    /// <summary>Epochs 1, 2, 3, 5 and every fifth after, and the last: enough to read the shape of a long run.</summary>
    public static IReadOnlyList<int> ShownEpochs(int epochs) =>
        Enumerable.Range(1, epochs).Where(e => e <= 3 || e % 5 == 0 || e == epochs).ToList();

    /// <summary>Validation accuracy (mean ± sd over seeds) and the training minutes up to the end of each shown epoch.</summary>
    public static string Table(ResultFile file)
    {
        var seeds = file.Rows[0].Seeds;
        int epochs = seeds.Min(s => s.Curves![SeedFigures.ValidationCurve].Count);
        var sb = new StringBuilder();
        sb.AppendLine("| epoch | validation accuracy | training minutes to the epoch's end |");
        sb.AppendLine("|---:|---:|---:|");
        foreach (int e in ShownEpochs(epochs))
        {
            var accuracy = Spread.Of(seeds.Select(s => s.Curves![SeedFigures.ValidationCurve][e - 1]));
            var minutes = seeds.All(s => s.Curves!.TryGetValue(SeedFigures.EpochSecondsCurve, out var t) && t.Count >= e)
                ? Spread.Of(seeds.Select(s => s.Curves![SeedFigures.EpochSecondsCurve].Take(e).Sum() / 60))
                : null;
            sb.AppendLine(C, $"| {e} | {ResultTables.Show(accuracy, "F2", 100, " %")} | {(minutes is null ? "–" : ResultTables.Show(minutes, "F1"))} |");
        }
        sb.AppendLine();
        sb.AppendLine(C, $"Validation accuracy: the training images held out by `data.validation`, scored after each epoch; seeds {string.Join(", ", file.Seeds)}.");
        return sb.ToString();
    }

    /// <summary>Draws the validation accuracy after every epoch, a line per seed, to <paramref name="path"/> (PNG).</summary>
    public static void SaveChart(string path, ResultFile file)
    {
        var plot = new Plot();
        // The file title is often longer than the chart is wide; the page names the run above the chart.
        plot.Title("validation accuracy after each epoch");
        plot.XLabel("epoch");
        plot.YLabel("validation accuracy (%)");
        foreach (var seed in file.Rows[0].Seeds)
        {
            var ys = seed.Curves![SeedFigures.ValidationCurve].Select(v => v * 100).ToArray();
            var line = plot.Add.Scatter(Enumerable.Range(1, ys.Length).Select(i => (double)i).ToArray(), ys);
            line.LegendText = $"seed {seed.Seed}";
        }
        plot.ShowLegend(Edge.Right);
        var bytes = plot.GetImageBytes(1100, 500, ImageFormat.Png);
        Output.AtomicFile.Write(path, s => s.Write(bytes));
    }
}
