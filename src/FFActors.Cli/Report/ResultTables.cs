using System.Globalization;
using System.Text;

namespace FFActors.Cli.Report;

/// <summary>Markdown tables of result files, as <c>ffactors report</c> writes them into the docs.</summary>
public static class ResultTables
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Experiment figures shown as columns, in this order, when any arm has them (accuracies).</summary>
    static readonly (string Key, string Header)[] ExperimentColumns =
    [
        ("goodness", "goodness scoring"),
        ("head", "softmax head / linear probe"),
        ("probe_last", "probe, last layer"),
        ("probe_all", "probe, all layers"),
        ("probe_last_source_bn", "probe, last layer, source BatchNorm statistics"),
        ("probe_all_source_bn", "probe, all layers, source BatchNorm statistics"),
        ("source_goodness", "source, goodness"),
        ("source_head", "source, FF head"),
        ("source_accuracy", "source, BP output"),
    ];

    /// <summary>One table row per train result file.</summary>
    /// <param name="link">Turns a repository path into a link target relative to the page being written.</param>
    public static string TrainTable(IReadOnlyList<(string RepoPath, ResultFile File)> files, Func<string, string> link)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| run | test accuracy, goodness scoring | test accuracy, softmax head | seeds | train (s) | train + evaluation (s) | peak resident set (GB) | command | result file |");
        sb.AppendLine("|---|---:|---:|---|---:|---:|---:|---|---|");
        foreach (var (repoPath, file) in files)
        {
            var row = file.Rows[0];
            var s = row.Summary;
            sb.AppendLine(C, $"| {file.Title} | {Percent(s, "goodness_accuracy")} | {Percent(s, "head_accuracy")} | {string.Join(", ", file.Seeds)} | " +
                $"{Plain(s, "train_seconds")} | {Plain(s, "total_seconds")} | {Plain(s, "peak_rss_gb", "F2")} | {Commands(file)} | [{Path.GetFileName(repoPath)}]({link(repoPath)}) |");
        }
        sb.AppendLine();
        sb.AppendLine(string.Join(" ", files.SelectMany(f => f.File.Invocations.Select(i => $"Measured on {i.Machine.Cpu}, {i.Machine.Cores} cores.")).Distinct()
            .Concat(files.Select(f => f.File.Note).Where(n => n.Length > 0).Distinct())));
        return sb.ToString();
    }

    /// <summary>A row per arm of one experiment result, its command and result file below.</summary>
    public static string ExperimentTable(string repoPath, ResultFile file, Func<string, string> link)
    {
        var columns = ExperimentColumns.Where(col => file.Rows.Any(r => r.Summary.ContainsKey(col.Key))).ToList();
        var sb = new StringBuilder();
        sb.Append("| arm | n |");
        foreach (var col in columns) sb.Append(C, $" {col.Header} |");
        sb.AppendLine(" time per seed (s) |");
        sb.Append("|---|---:|");
        foreach (var _ in columns) sb.Append("---:|");
        sb.AppendLine("---:|");
        foreach (var row in file.Rows)
        {
            var s = row.Summary;
            sb.Append(C, $"| {row.Name} | {row.Seeds.Count} |");
            foreach (var col in columns) sb.Append(C, $" {Percent(s, col.Key)} |");
            sb.AppendLine(C, $" {Plain(s, "seconds")} |");
        }
        sb.AppendLine();
        sb.AppendLine(C, $"Command: {Commands(file)}; seeds {string.Join(", ", file.Seeds)}; result file [{repoPath}]({link(repoPath)}). {Machines(file)}");
        return sb.ToString();
    }

    /// <summary>Benchmark figures shown as columns, in this order, when any row has them: key, header, format ("%" = a fraction in percent).</summary>
    static readonly (string Key, string Header, string Format)[] BenchmarkColumns =
    [
        ("reference_samples_per_s", "reference loop", "F0"),
        ("reference_1t_samples_per_s", "reference loop, 1 thread", "F0"),
        ("core_1t_samples_per_s", "core loop, 1 thread", "F0"),
        ("seq_1t_samples_per_s", "sequential, 1 thread", "F0"),
        ("seq_all_samples_per_s", "sequential, all cores", "F0"),
        ("pipeline_samples_per_s", "pipeline", "F0"),
        ("speedup", "pipeline / sequential 1 thread", "F2"),
        ("vs_reference", "fastest actor mode / reference loop", "F2"),
        ("bf16_samples_per_s", "pipeline, bf16 matmuls", "F0"),
        ("bf16_gain", "bf16 / float32 pipeline", "F2"),
        ("gemm_gflops", "matmul GFLOP/s", "F0"),
        ("gemm_bound_fraction", "% of the GEMM bound", "%"),
        ("others_cores", "cores other processes took", "F2"),
        ("serialize_gbps", "serialize (GB/s)", "F2"),
        ("deserialize_gbps", "deserialize (GB/s)", "F2"),
        ("hop_ms", "one hop (ms)", "F2"),
        ("akka_hop_ms", "one hop, Akka.Remote only (ms)", "F2"),
        ("local_samples_per_s", "local pipeline (samples/s)", "F0"),
        ("cluster_samples_per_s", "cluster pipeline (samples/s)", "F0"),
        ("cluster_share", "cluster / local", "%"),
        ("wire_fraction", "share of the step on the wire", "%"),
        ("goodness_scoring_s", "goodness scoring, a pass per label (s)", "F3"),
        ("hff_s", "Hyperspherical FF, one pass (s)", "F3"),
        ("distance_s", "Distance-Forward, one pass (s)", "F3"),
        ("mono_forward_s", "Mono-Forward, one pass (s)", "F3"),
        ("hff_speedup", "HFF speed-up", "F1"),
        ("distance_speedup", "Distance-Forward speed-up", "F1"),
        ("mono_forward_speedup", "Mono-Forward speed-up", "F1"),
    ];

    /// <summary>A row per measured configuration of one benchmark result, its command, machine and result file below.</summary>
    public static string BenchmarkTable(string repoPath, ResultFile file, Func<string, string> link)
    {
        var keys = file.Rows.SelectMany(r => r.Summary.Where(f => f.Value.N > 0).Select(f => f.Key)).ToHashSet();
        var columns = BenchmarkColumns.Where(c => keys.Contains(c.Key)).ToList();
        var sb = new StringBuilder();
        sb.Append(C, $"| {file.Title} |");
        foreach (var col in columns) sb.Append(C, $" {col.Header} |");
        sb.AppendLine();
        sb.Append("|---|");
        foreach (var _ in columns) sb.Append("---:|");
        sb.AppendLine();
        foreach (var row in file.Rows)
        {
            var s = row.Summary;
            sb.Append(C, $"| {row.Name} |");
            foreach (var col in columns)
                sb.Append(C, $" {(col.Format == "%" ? Percent(s, col.Key, "F0") : Plain(s, col.Key, col.Format))} |");
            sb.AppendLine();
        }
        sb.AppendLine();
        var rates = file.Invocations.Where(i => i.Machine.MatmulGflops is not null).Select(i => string.Create(C, $"{i.Machine.MatmulGflops:F0} GFLOP/s"))
            .Distinct().ToList();
        string rate = rates.Count > 0 ? $" Matmul rate at the start: {string.Join(", ", rates)}." : "";
        string note = file.Note.Length > 0 ? " " + file.Note : "";
        sb.AppendLine(C, $"Command: {Commands(file)}; result file [{repoPath}]({link(repoPath)}). {Machines(file)}{rate}{note}");
        return sb.ToString();
    }

    /// <summary>The distinct commands of a file without the seed that varies between them.</summary>
    internal static string Commands(ResultFile file) =>
        string.Join("<br>", file.Invocations.Select(i => $"`{i.Command}`").Distinct());

    internal static string Machines(ResultFile file) =>
        string.Join(" ", file.Invocations.Select(i => $"{i.Machine.Cpu}, {i.Machine.Cores} cores").Distinct().Select(m => $"Measured on {m}."));

    // A figure recorded as NaN (e.g. goodness scoring of a label-free run, which has none) is shown as missing.
    static string Percent(IReadOnlyDictionary<string, Spread> s, string key, string format = "F2") =>
        s.TryGetValue(key, out var v) && v.N > 0 && !double.IsNaN(v.Mean) ? Show(v, format, 100, " %") : "–";

    static string Plain(IReadOnlyDictionary<string, Spread> s, string key, string format = "F0") =>
        s.TryGetValue(key, out var v) && v.N > 0 && !double.IsNaN(v.Mean) ? Show(v, format) : "–";

    /// <summary>The mean, and ± the sd when there are two values or more, scaled by <paramref name="scale"/> and followed by <paramref name="unit"/>.</summary>
    internal static string Show(Spread v, string format, double scale = 1, string unit = "") =>
        v.N < 2 ? $"{(v.Mean * scale).ToString(format, C)}{unit}" : $"{(v.Mean * scale).ToString(format, C)} ± {(v.Sd * scale).ToString(format, C)}{unit}";
}
