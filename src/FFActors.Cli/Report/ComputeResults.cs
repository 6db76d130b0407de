using System.Globalization;
using System.Text;
using FFActors.Benchmarks;

namespace FFActors.Cli.Report;

/// <summary>
/// <c>ffactors bench compute --result FILE</c> as a result file and as the docs' tables: a row per network with its
/// FLOP counts and its first crossing of each target, a row of FF / backprop ratios, then a row per check of each curve.
/// </summary>
public static class ComputeResults
{
    public const string Title = "bench compute";
    const string RatioRow = "FF / backprop";
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>A target as it appears in a figure's key: 0.97 → "97", 0.975 → "97.5".</summary>
    public static string TargetKey(double target) => (target * 100).ToString("0.###", C);

    public static ResultFile Of(ComputeBenchmarkReport r, IReadOnlyList<string> options, string command)
    {
        ResultRow Headline(ComputeRun run, Func<ComputeCrossing, ComputePoint?> at)
        {
            var figures = new Dictionary<string, double?>
            {
                ["train_flops_per_sample"] = run.TrainFlopsPerSample,
                ["eval_flops_per_test_sample"] = run.EvalFlopsPerTestSample,
                ["final_accuracy"] = run.Curve[^1].Accuracy,
                ["epochs"] = run.Curve[^1].Epoch,
                ["outside_training_seconds"] = run.OutsideTrainingSeconds,
            };
            foreach (var x in r.Crossings)
            {
                var p = at(x);
                figures[$"seconds_to_{TargetKey(x.Target)}"] = p?.Seconds;
                figures[$"samples_to_{TargetKey(x.Target)}"] = p?.Samples;
                figures[$"flops_to_{TargetKey(x.Target)}"] = p?.Flops;
            }
            return new ResultRow(run.Name, [], [new SeedFigures(1, figures)]);
        }
        var ratios = new Dictionary<string, double?>();
        foreach (var x in r.Crossings)
        {
            ratios[$"seconds_ratio_{TargetKey(x.Target)}"] = x.SecondsRatio;
            ratios[$"samples_ratio_{TargetKey(x.Target)}"] = x.SamplesRatio;
            ratios[$"flops_ratio_{TargetKey(x.Target)}"] = x.FlopsRatio;
        }
        IEnumerable<ResultRow> Curve(string who, ComputeRun run) => run.Curve.Select(p => new ResultRow(string.Create(C, $"{who} after epoch {p.Epoch:0.##}"), [],
            [new SeedFigures(1, new Dictionary<string, double?>
            {
                ["epoch"] = p.Epoch, ["test_accuracy"] = p.Accuracy, ["train_seconds"] = p.Seconds, ["samples"] = p.Samples, ["train_flops"] = p.Flops,
            })]));
        var load = r.LoadBefore is { } b && r.LoadAfter is { } a ? string.Create(C, $", load average {b:F2} before and {a:F2} after on {Environment.ProcessorCount} cores") : "";
        return new ResultFile
        {
            Kind = ResultFile.BenchmarkKind,
            Title = Title,
            Note = $"Test accuracies, samples and FLOPs are deterministic for the configuration and seed. Wall times count training only and come from " +
                $"{(r.Repeats == 1 ? "one run" : $"the median of {r.Repeats} runs")} of each network{load}: other processes on the machine slow them, so their ratio is noisier than the others.",
            Config = options,
            Invocations = [new Invocation(command, BuildInfo.Version, BuildInfo.Commit, DateTime.UtcNow, MachineFacts.Current(), [1])],
            Rows = [Headline(r.FF, x => x.FF), Headline(r.Backprop, x => x.Backprop), new ResultRow(RatioRow, [], [new SeedFigures(1, ratios)]),
                .. Curve("FF", r.FF), .. Curve("backprop", r.Backprop)],
        };
    }

    /// <summary>The crossings table (a row per network and the ratios), then the curves side by side.</summary>
    public static string Table(string repoPath, ResultFile file, Func<string, string> link)
    {
        var headlines = file.Rows.Where(r => !r.Summary.ContainsKey("epoch")).ToList();
        var targets = headlines.SelectMany(r => r.Summary.Keys).Where(k => k.StartsWith("seconds_to_", StringComparison.Ordinal))
            .Select(k => k["seconds_to_".Length..]).Distinct().OrderBy(k => double.Parse(k, C)).ToList();
        var sb = new StringBuilder();
        sb.Append("| bench compute | final test accuracy | epochs | MFLOP per training sample | MFLOP per test sample scored |");
        foreach (var t in targets) sb.Append(C, $" to {t} %: training s | to {t} %: samples | to {t} %: TFLOP |");
        sb.AppendLine();
        sb.Append("|---|---:|---:|---:|---:|");
        foreach (var _ in targets) sb.Append("---:|---:|---:|");
        sb.AppendLine();
        foreach (var row in headlines)
        {
            var s = row.Summary;
            bool ratio = row.Name == RatioRow;
            sb.Append(C, $"| {row.Name} | {(ratio ? "" : Value(s, "final_accuracy", v => (v * 100).ToString("F2", C) + " %"))} | {(ratio ? "" : Value(s, "epochs", v => v.ToString("0.##", C)))} | " +
                $"{(ratio ? "" : Value(s, "train_flops_per_sample", v => (v / 1e6).ToString("F2", C)))} | {(ratio ? "" : Value(s, "eval_flops_per_test_sample", v => (v / 1e6).ToString("F2", C)))} |");
            foreach (var t in targets)
                sb.Append(ratio
                    ? $" {Value(s, $"seconds_ratio_{t}", Times)} | {Value(s, $"samples_ratio_{t}", Times)} | {Value(s, $"flops_ratio_{t}", Times)} |"
                    : $" {Value(s, $"seconds_to_{t}", v => v.ToString("F0", C))} | {Value(s, $"samples_to_{t}", v => v.ToString("F0", C))} | {Value(s, $"flops_to_{t}", v => (v / 1e12).ToString("F1", C))} |");
            sb.AppendLine();
        }
        sb.AppendLine();
        sb.AppendLine("| curve check | epoch | test accuracy | training s | samples | TFLOP |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in file.Rows.Where(r => r.Summary.ContainsKey("epoch")))
        {
            var s = row.Summary;
            sb.AppendLine(C, $"| {row.Name} | {Value(s, "epoch", v => v.ToString("0.##", C))} | {Value(s, "test_accuracy", v => (v * 100).ToString("F2", C) + " %")} | " +
                $"{Value(s, "train_seconds", v => v.ToString("F0", C))} | {Value(s, "samples", v => v.ToString("F0", C))} | {Value(s, "train_flops", v => (v / 1e12).ToString("F2", C))} |");
        }
        sb.AppendLine();
        sb.AppendLine(C, $"Command: {ResultTables.Commands(file)}; result file [{repoPath}]({link(repoPath)}). {ResultTables.Machines(file)} {file.Note}");
        return sb.ToString();
    }

    static string Times(double v) => v.ToString("F2", C) + "×";

    /// <summary>"not reached" when the figure was recorded as null (a target the run never crossed).</summary>
    static string Value(IReadOnlyDictionary<string, Spread> s, string key, Func<double, string> format) =>
        s.TryGetValue(key, out var v) && v.N > 0 ? format(v.Mean) : "not reached";
}
