using System.Globalization;
using FFActors.Core.Evaluation;
using FFActors.Core.Training;
using Spectre.Console;

namespace FFActors.Cli.Output;

/// <summary>The end-of-run table: per-epoch metrics and the final test accuracies.</summary>
public static class Summary
{
    public static void Print(IReadOnlyList<EpochMetrics> metrics, EvaluationResult result, double trainSeconds, double totalSeconds, long peakResidentBytes, string runPath)
    {
        var c = CultureInfo.InvariantCulture;
        // One row per layer under each epoch keeps the table narrow whatever the depth: per-layer values side by
        // side in one cell made a 3-layer run wrap into three lines per epoch on an 80-column pipe.
        var table = new Table().Border(TableBorder.Rounded).Title("training");
        table.AddColumn("epoch");
        table.AddColumn(new TableColumn("s").RightAligned());
        table.AddColumn(new TableColumn("samples/s").RightAligned());
        table.AddColumn(new TableColumn("val acc").RightAligned());
        table.AddColumn(new TableColumn("layer").RightAligned());
        table.AddColumn(new TableColumn("loss").RightAligned());
        table.AddColumn(new TableColumn("separation").RightAligned());
        // Greedy runs can have thousands of rows: show the last epoch of each phase plus the final rows.
        var rows = metrics.Count <= 30 ? metrics : metrics.Where((m, i) => i == metrics.Count - 1 || metrics[i + 1].Phase != m.Phase).ToList();
        foreach (var m in rows)
        {
            for (int k = 0; k < Math.Max(1, m.Layers.Count); k++)
            {
                var l = k < m.Layers.Count ? m.Layers[k] : null;
                table.AddRow(
                    k == 0 ? m.Epoch.ToString(c) : "",
                    k == 0 ? m.Seconds.ToString("F1", c) : "",
                    k == 0 ? m.SamplesPerSecond.ToString("F0", c) : "",
                    k == 0 ? m.ValidationAccuracy?.ToString("P2", c) ?? "-" : "",
                    l?.Layer.ToString(c) ?? "-",
                    l?.Loss.ToString("G4", c) ?? "-",
                    l?.Separation.ToString("P1", c) ?? "-");
            }
        }
        AnsiConsole.Write(table);

        var final = new Table().Border(TableBorder.Rounded).Title("test set");
        final.AddColumn("readout");
        final.AddColumn("layers");
        final.AddColumn(new TableColumn("accuracy").RightAligned());
        if (result.ProbeOnly)
            final.AddRow("goodness scoring", "-", "not run (label-free training)");
        else
            final.AddRow("goodness scoring", Markup.Escape($"[{string.Join(", ", result.ScoreLayers)}]"), result.GoodnessAccuracy.ToString("P2", c));
        final.AddRow(result.ProbeOnly ? "linear probe (frozen features)" : "softmax head", Markup.Escape($"[{string.Join(", ", result.HeadLayers)}]"),
            double.IsNaN(result.HeadAccuracy) ? "off" : result.HeadAccuracy.ToString("P2", c));
        AnsiConsole.Write(final);
        // Plain, not markup: Spectre wraps a markup line at 80 columns on a pipe, which split the run folder's path.
        Console.WriteLine(string.Create(c, $"train {trainSeconds:F1} s, total {totalSeconds:F1} s, peak resident set {Jobs.PeakResidentSet.Format(peakResidentBytes)}; run folder {runPath}"));
        // Plain lines for logs and scripts.
        if (result.ProbeOnly)
        {
            Console.WriteLine("evaluation: linear probe only (label-free training; goodness scoring not run)");
            Console.WriteLine(string.Create(c, $"test accuracy (linear probe): {result.HeadAccuracy:P2}"));
            return;
        }
        Console.WriteLine(string.Create(c, $"test accuracy (goodness): {result.GoodnessAccuracy:P2}"));
        if (!double.IsNaN(result.HeadAccuracy)) Console.WriteLine(string.Create(c, $"test accuracy (softmax head): {result.HeadAccuracy:P2}"));
    }
}
