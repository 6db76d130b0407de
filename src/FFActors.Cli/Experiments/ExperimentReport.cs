using System.Globalization;
using System.Text;
using System.Text.Json;
using FFActors.Cli.Output;

namespace FFActors.Cli.Experiments;

/// <summary>Writes an experiment's results.json, results.md and charts (every file atomically).</summary>
public sealed class ExperimentReport
{
    public required string Markdown { get; init; }
    public required IReadOnlyList<ArmSummary> Arms { get; init; }

    /// <summary>Table columns: metric key, header, whether it is an accuracy (shown in %).</summary>
    static readonly (string Key, string Header, bool Percent)[] Columns =
    [
        ("goodness", "test acc. goodness", true),
        ("head", "test acc. softmax head (label-free: linear probe)", true),
        ("probe_last", "probe test acc. last layer", true),
        ("probe_all", "probe test acc. all layers / features", true),
        ("val_last", "probe val. acc. last layer", true),
        ("val_all", "probe val. acc. all", true),
        ("probe_last_source_bn", "probe test acc. last layer, source BatchNorm statistics", true),
        ("probe_all_source_bn", "probe test acc. all layers, source BatchNorm statistics", true),
        ("source_goodness", "source test acc. (goodness)", true),
        ("source_head", "source test acc. (FF head)", true),
        ("source_accuracy", "source test acc. (BP output)", true),
        ("samples_per_s", "samples/s", false),
    ];

    public static ExperimentReport Write(ExperimentSpec spec, IReadOnlyList<ArmResult> results)
    {
        var arms = spec.Arms.Select(a => ArmSummary.Of(a, results.Where(r => r.Arm == a.Name).OrderBy(r => r.Seed).ToList())).ToList();
        var markdown = Table(spec, arms);
        AtomicFile.WriteText(Path.Combine(spec.OutDir, "results.md"), markdown);
        var json = new
        {
            experiment = spec.Name,
            file = spec.File,
            quick = spec.Quick,
            seeds = spec.Seeds,
            written = DateTime.UtcNow,
            transfer = spec.HasFeatureArms ? new { spec.Transfer.Target, spec.Transfer.Validation, spec.Transfer.TrainLimit, spec.Transfer.TestLimit, layers = spec.Transfer.Layers, probe = spec.Transfer.Probe, backprop = spec.Transfer.Backprop } : null,
            arms,
            runs = results,
        };
        AtomicFile.WriteText(Path.Combine(spec.OutDir, "results.json"), JsonSerializer.Serialize(json, ArmRunner.Json));
        ExperimentCharts.Save(spec, arms, MainMetrics(arms));
        return new ExperimentReport { Markdown = markdown, Arms = arms };
    }

    /// <summary>The two metrics the bar chart shows: the probe accuracies for transfer experiments, otherwise goodness and head.</summary>
    public static (string Key, string Header)[] MainMetrics(IReadOnlyList<ArmSummary> arms)
    {
        bool transfer = arms.Any(a => a.Metrics.ContainsKey("probe_all"));
        var keys = transfer ? new[] { "probe_last", "probe_all" } : ["goodness", "head"];
        return Columns.Where(c => keys.Contains(c.Key) && arms.Any(a => a.Metrics.ContainsKey(c.Key))).Select(c => (c.Key, c.Header)).ToArray();
    }

    static string Table(ExperimentSpec spec, IReadOnlyList<ArmSummary> arms)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"# {spec.Name}{(spec.Quick ? " (quick profile)" : "")}");
        sb.AppendLine();
        if (spec.Description.Length > 0) sb.AppendLine(spec.Description.Trim()).AppendLine();
        sb.AppendLine(c, $"`ffactors experiment {spec.File}{(spec.Quick ? " --quick" : "")}{string.Concat((spec.Sets ?? []).Select(x => $" --set {x}"))}`; seeds [{string.Join(", ", spec.Seeds)}]; base config: {spec.BaseFile ?? "hocon/ffactors.conf defaults"}.");
        sb.AppendLine("Each cell is the mean ± sample standard deviation (n − 1) over the seeds that finished; n is that count; time is the mean wall time of one arm-seed (training, evaluation and probes; arm-seeds may have shared the machine).");
        if (spec.HasFeatureArms)
        {
            var t = spec.Transfer;
            sb.AppendLine();
            sb.AppendLine(c, $"**Transfer protocol.** Feature extractors are built on each arm's source dataset (its `data.*`), then frozen; features of the {t.Target} images are probed by a linear softmax head. " +
                $"**Head budget, identical for every arm: {t.Probe}**, taken at its last epoch: no epoch is selected by any score. " +
                $"Validation: the last {t.Validation} {t.Target} training samples are held out and only reported{(t.TrainLimit > 0 ? $"; the first {t.TrainLimit} training samples are used" : "")}; test: {(t.TestLimit > 0 ? $"the first {t.TestLimit}" : "all")} {t.Target} test samples. " +
                $"FF and random features are the normalised layer activities under the neutral label overlay (the softmax head's input); backprop features are the MLP's hidden activities normalised the same way (MLP trained {t.Backprop.Epochs} epochs, Adam lr {t.Backprop.LearningRate}, batch {t.Backprop.BatchSize}, cross-entropy); pixels are the images as loaded (`data.normalization`). " +
                $"\"all layers\" = layers [{(t.Layers is null ? "every layer" : string.Join(", ", t.Layers))}] concatenated.");
        }
        sb.AppendLine();
        var shown = Columns.Where(col => arms.Any(a => a.Metrics.ContainsKey(col.Key))).ToList();
        // Per-layer separation (ExperimentCurves.LayerSeparation): layer by layer, the fraction at θ then the goodness gap.
        var layers = arms.SelectMany(a => a.Metrics.Keys).Where(k => k.StartsWith("sep_layer", StringComparison.Ordinal))
            .Select(k => int.Parse(k["sep_layer".Length..], CultureInfo.InvariantCulture)).Distinct().Order();
        foreach (var l in layers)
        {
            shown.Add(($"sep_layer{l}", $"layer {l} own separation at θ", true));
            shown.Add(($"gap_layer{l}", $"layer {l} own g⁺ − g⁻", false));
        }
        sb.Append("| arm | kind | overrides | n |");
        foreach (var col in shown) sb.Append(c, $" {col.Header} |");
        sb.AppendLine(" time (s) |");
        sb.Append("|---|---|---|---|");
        foreach (var _ in shown) sb.Append("---|");
        sb.AppendLine("---|");
        foreach (var a in arms)
        {
            var overrides = a.Overrides.Count == 0 ? "–" : string.Join("<br>", a.Overrides.Select(o => $"`{o}`"));
            if (a.Note.Length > 0) overrides += (a.Overrides.Count == 0 ? ": " : "<br>") + a.Note;
            var unfinished = new[] { (a.Failed, "failed"), (a.Stopped, "stopped") }.Where(x => x.Item1 > 0).Select(x => $"{x.Item1} {x.Item2}").ToList();
            sb.Append(c, $"| {a.Name} | {a.Kind} | {overrides} | {a.Runs}{(unfinished.Count > 0 ? $" ({string.Join(", ", unfinished)})" : "")} |");
            foreach (var col in shown) sb.Append(c, $" {Cell(a, col.Key, col.Percent)} |");
            sb.AppendLine(c, $" {(a.Runs > 0 ? a.Seconds.Mean.ToString("F1", c) : "–")} |");
        }
        var failures = arms.SelectMany(a => a.Errors.Select(e => $"- {a.Name} {e}")).ToList();
        if (failures.Count > 0)
        {
            sb.AppendLine().AppendLine("**Failed arm-seeds:**").AppendLine();
            foreach (var f in failures) sb.AppendLine(f);
        }
        sb.AppendLine();
        sb.AppendLine("Charts: `accuracy.png` (bars: mean, error bars: ± standard deviation), `curves.png` (per-epoch curves, mean over seeds)" +
            (spec.Embedding.Enabled && spec.HasFeatureArms ? $", `embedding.png` ({spec.Embedding.Method.ToUpperInvariant()} of {spec.Embedding.Samples} {spec.Transfer.Target} test samples, seed {spec.Seeds[0]})" : "") + ".");
        return sb.ToString();
    }

    static string Cell(ArmSummary a, string key, bool percent)
    {
        if (!a.Metrics.TryGetValue(key, out var m)) return "–";
        var c = CultureInfo.InvariantCulture;
        double scale = percent ? 100 : 1;
        string f = percent ? "F2" : key.StartsWith("gap_layer", StringComparison.Ordinal) ? "F3" : "F0";
        string mean = (m.Mean * scale).ToString(f, c);
        string tail = percent ? " %" : "";
        return m.N < 2 ? mean + tail : $"{mean} ± {(m.Std * scale).ToString(f, c)}{tail}";
    }
}
