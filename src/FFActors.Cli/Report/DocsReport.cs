using System.Text;
using System.Text.RegularExpressions;
using FFActors.Cli.Experiments;
using FFActors.Cli.Output;

namespace FFActors.Cli.Report;

/// <summary>
/// Renders the result tables of the docs from the committed result files. A page marks each
/// generated region with <c>&lt;!-- report PATH --&gt;</c> … <c>&lt;!-- /report --&gt;</c>, PATH being a
/// result file or a folder of them (relative to the repository root); everything between the
/// markers is generated, everything else is left as written. Experiment results also get a bar
/// chart under docs/img, and a heat map when their arms form a grid; a train result with per-epoch curves gets a
/// line chart, and a region naming that one file shows the curve as a table. The target <c>comparison</c> is no path: it is
/// the model comparison (<see cref="Comparison"/>) built from several result files, with its chart.
/// </summary>
public static partial class DocsReport
{
    /// <summary>A page whose generated regions differ from what the result files render.</summary>
    public sealed record Page(string RepoPath, string Current, string Rendered)
    {
        public bool Stale => Current != Rendered;
    }

    /// <summary>Every markdown page with report regions (README.md and docs/**), rendered from results/.</summary>
    /// <exception cref="IOException">A region names a missing path or an unreadable result file.</exception>
    public static IReadOnlyList<Page> Render(string root)
    {
        var pages = new List<Page>();
        var docs = Path.Combine(root, "docs");
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.Exists(docs) ? Directory.EnumerateFiles(docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : []);
        foreach (var file in files.Where(File.Exists))
        {
            var text = File.ReadAllText(file);
            if (!Region().IsMatch(text)) continue;
            var pageDir = Path.GetDirectoryName(file)!;
            string Link(string repoPath) => Path.GetRelativePath(pageDir, Path.Combine(root, repoPath)).Replace('\\', '/');
            var rendered = Region().Replace(text, m => $"{m.Groups[1].Value}\n{RenderTarget(root, m.Groups[2].Value, Link)}{m.Groups[4].Value}");
            pages.Add(new Page(Path.GetRelativePath(root, file), text, rendered));
        }
        return pages;
    }

    /// <summary>Writes the stale pages and the experiment charts; returns the pages it rewrote.</summary>
    public static IReadOnlyList<Page> Write(string root)
    {
        var pages = Render(root);
        foreach (var p in pages.Where(p => p.Stale)) AtomicFile.WriteText(Path.Combine(root, p.RepoPath), p.Rendered);
        foreach (var (repoPath, file) in AllResults(root))
        {
            if (file.Kind == ResultFile.ExperimentKind)
            {
                ExperimentCharts.SaveResultBars(Path.Combine(root, ChartPath(repoPath)), file);
                ExperimentCharts.SaveResultGrid(Path.Combine(root, GridChartPath(repoPath)), file);
            }
            if (TrainCurves.Has(file)) TrainCurves.SaveChart(Path.Combine(root, CurveChartPath(repoPath)), file);
        }
        if (pages.Any(p => p.Current.Contains($"<!-- report {Comparison.Target} -->", StringComparison.Ordinal))) ComparisonChart.Save(root);
        return pages.Where(p => p.Stale).ToList();
    }

    /// <summary>Where the chart of an experiment result goes: results/TOPIC/NAME.json → docs/img/TOPIC-NAME.png.</summary>
    public static string ChartPath(string repoPath)
    {
        var parts = Path.ChangeExtension(repoPath, null).Replace('\\', '/').Split('/').Skip(1);
        return $"docs/img/{string.Join("-", parts)}.png";
    }

    /// <summary>Where the heat map of an experiment result whose arms form a grid goes: docs/img/TOPIC-NAME-grid.png.</summary>
    public static string GridChartPath(string repoPath) => Path.ChangeExtension(ChartPath(repoPath), null) + "-grid.png";

    /// <summary>Where the per-epoch chart of a train result with curves goes: docs/img/TOPIC-NAME-curve.png.</summary>
    public static string CurveChartPath(string repoPath) => Path.ChangeExtension(ChartPath(repoPath), null) + "-curve.png";

    static IEnumerable<(string RepoPath, ResultFile File)> AllResults(string root)
    {
        var results = Path.Combine(root, "results");
        if (!Directory.Exists(results)) yield break;
        foreach (var f in Directory.EnumerateFiles(results, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            yield return (Path.GetRelativePath(root, f).Replace('\\', '/'), ResultFile.Read(f));
    }

    static string RenderTarget(string root, string target, Func<string, string> link)
    {
        if (target == Comparison.Target) return Comparison.Table(root, link);
        if (ComparisonTable.Names(target)) return ComparisonTable.Render(root, target, link);
        var full = Path.Combine(root, target);
        IEnumerable<string> paths = Directory.Exists(full) ? Directory.EnumerateFiles(full, "*.json").Order(StringComparer.Ordinal)
            : File.Exists(full) ? [full]
            : throw new IOException($"{target}: named by a report region but not found under {root}");
        var files = paths.Select(p => (RepoPath: Path.GetRelativePath(root, p).Replace('\\', '/'), File: ResultFile.Read(p))).ToList();
        var sb = new StringBuilder();
        var train = files.Where(f => f.File.Kind == ResultFile.TrainKind).ToList();
        if (train.Count > 0) sb.Append(ResultTables.TrainTable(train, link));
        // A region naming one train file also shows its per-epoch curve, when the run recorded one.
        if (File.Exists(full) && TrainCurves.Has(files[0].File))
        {
            sb.AppendLine();
            sb.Append(TrainCurves.Table(files[0].File));
            sb.AppendLine();
            sb.AppendLine($"![{files[0].File.Title}: validation accuracy after each epoch]({link(CurveChartPath(files[0].RepoPath))})");
        }
        foreach (var (repoPath, file) in files.Where(f => f.File.Kind == ResultFile.BenchmarkKind))
        {
            if (sb.Length > 0) sb.AppendLine();
            sb.Append(file.Title == ComputeResults.Title ? ComputeResults.Table(repoPath, file, link) : ResultTables.BenchmarkTable(repoPath, file, link));
        }
        foreach (var (repoPath, file) in files.Where(f => f.File.Kind == ResultFile.ExperimentKind))
        {
            if (sb.Length > 0) sb.AppendLine();
            sb.Append(ResultTables.ExperimentTable(repoPath, file, link));
            sb.AppendLine();
            sb.AppendLine($"![{file.Title}: test accuracy per arm]({link(ChartPath(repoPath))})");
            if (ExperimentCharts.ResultGrid(file) is not null)
            {
                sb.AppendLine();
                sb.AppendLine($"![{file.Title}: test accuracy over the grid]({link(GridChartPath(repoPath))})");
            }
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"(<!-- report (\S+) -->)\n(.*?)(<!-- /report -->)", RegexOptions.Singleline)]
    private static partial Regex Region();
}
