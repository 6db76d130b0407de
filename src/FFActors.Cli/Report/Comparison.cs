using System.Globalization;
using System.Text;

namespace FFActors.Cli.Report;

/// <summary>
/// The multi-dimensional comparison of the seed study's §4.4 (its radar chart), built only from committed result
/// files: per model its MNIST test accuracy, transfer to Fashion-MNIST, training time, inference time and FLOPs to
/// 97 % against backprop, with notes on its biological plausibility. A page asks for it with the report region
/// <c>&lt;!-- report comparison --&gt;</c>; <c>ffactors report</c> renders the table there and draws
/// <see cref="ChartPath"/>. A figure without a result file stays empty, and the table says which command fills it.
/// </summary>
public static class Comparison
{
    /// <summary>The report region's target naming this table (not a path).</summary>
    public const string Target = "comparison";
    public const string ChartPath = "docs/img/comparison.png";

    static readonly CultureInfo C = CultureInfo.InvariantCulture;
    /// <summary>Transfer results, preferred in this order: CwC-FF trained with its shipped recipe (the training the MNIST
    /// column's figure comes from; it holds only the CwC-FF arms), the full transfer experiment, the three-seed comparisons
    /// of the seed's tables (label embedding with its backprop baseline; CwC-FF after a short training), then the quick profile.</summary>
    static readonly string[] TransferFiles = ["results/experiments/transfer-cwc-full.json", "results/experiments/transfer.json", "results/experiments/transfer-labels.json",
        "results/experiments/transfer-cwc.json", "results/experiments/transfer-quick.json"];
    static readonly string[] InferenceFile = ["results/benchmarks/inference.json"];
    static readonly string[] ComputeFile = ["results/benchmarks/compute.json"];

    /// <summary>Where one figure comes from: the first of <paramref name="Files"/> that exists and in which the row <paramref name="Row"/> picks has <paramref name="Key"/>.</summary>
    /// <param name="Fill">The command that writes the missing result file.</param>
    public sealed record Source(string[] Files, Func<ResultFile, ResultRow?> Row, string Key, string Fill);

    /// <param name="Seed">What the seed study's §4.4 table said (MNIST / transfer), when it has the model.</param>
    public sealed record Model(string Name, Source? Accuracy, Source? Transfer, Source? Training, Source? Inference, Source? ComputeRatio, string Bio, string Seed = "");

    /// <summary>A figure found: its value, the file and row it comes from.</summary>
    public sealed record Found(double Value, string File, ResultFile Result, ResultRow Row);

    static Func<ResultFile, ResultRow?> First => f => f.Rows.FirstOrDefault();
    static Func<ResultFile, ResultRow?> Named(string name) => f => f.Rows.FirstOrDefault(r => r.Name == name);
    static Func<ResultFile, ResultRow?> Starting(string prefix) => f => f.Rows.LastOrDefault(r => r.Name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The arm with the best mean of <paramref name="key"/> among those not excluded (the table names it).</summary>
    static Func<ResultFile, ResultRow?> Best(string key, params string[] except) => f => f.Rows
        .Where(r => !except.Contains(r.Name) && r.Summary.TryGetValue(key, out var s) && s.N > 0).MaxBy(r => r.Summary[key].Mean);

    static Source Train(string file, string config, string key = "goodness_accuracy") =>
        new([file], First, key, $"ffactors train --config {config} --result {file}");

    /// <summary>The probe on all layers of the first arm named one of <paramref name="arms"/> (files name the same model differently).</summary>
    static Source Transfer(params string[] arms) => new(TransferFiles, f => f.Rows.FirstOrDefault(r => arms.Contains(r.Name)), "probe_all",
        "ffactors experiment samples/experiments/transfer.conf --result results/experiments/transfer.json");

    static Source Inference(string key) => new(InferenceFile, First, key, "ffactors bench inference --result results/benchmarks/inference.json");

    const string ComputeFill = "ffactors bench compute --result results/benchmarks/compute.json";

    /// <summary>The models compared, in the order of the table.</summary>
    public static IReadOnlyList<Model> Models { get; } =
    [
        // From the same run as the backprop MLP's figures, so the two training times share machine and load.
        new("Standard FF", new(ComputeFile, Starting("FF layers"), "final_accuracy", ComputeFill), Transfer("ff", "overlay"),
            new(ComputeFile, Starting("FF after epoch"), "train_seconds", ComputeFill),
            Inference("goodness_scoring_s"), new(ComputeFile, Named("FF / backprop"), "flops_ratio_97", ComputeFill),
            "Local updates per layer; no backward pass, no weight transport. Needs a positive and a negative phase and the label written into the image's pixels.",
            "94.50 % / 54.19 %"),
        new("FF + collaboration (s = 0.7, all)",
            new(["results/experiments/collaboration.json", "results/experiments/collaboration-quick.json"], Named("scale=0.7,mode=all,exchange=exact"), "goodness",
                "ffactors experiment samples/experiments/collaboration.conf --result results/experiments/collaboration.json"),
            null,
            new(["results/experiments/collaboration.json", "results/experiments/collaboration-quick.json"], Named("scale=0.7,mode=all,exchange=exact"), "train_seconds",
                "ffactors experiment samples/experiments/collaboration.conf --result results/experiments/collaboration.json"),
            null, null,
            "As FF, plus every layer's goodness sent to the others before each update (a probe pass): a signal shared across the network.",
            "91.56 % / ~65 %"),
        new("CwC-FF", Train("results/variants/cwc.json", "samples/mnist-cwc.conf"), Transfer("cwc"), Train("results/variants/cwc.json", "samples/mnist-cwc.conf", "train_seconds"),
            null, null,
            "Local per block; no negatives, no label in the input: each class owns a group of channels. BatchNorm uses statistics of the batch, not of one neuron.",
            "98.71 % / 89.05 %"),
        new("Hyperspherical FF", Train("results/variants/hff.json", "samples/mnist-hff.conf"), null, Train("results/variants/hff.json", "samples/mnist-hff.conf", "train_seconds"),
            Inference("hff_s"), null,
            "Local per layer; each layer compares its activity with a learned prototype per class (a per-layer teaching signal), no negatives; one pass to classify."),
        new("Distance-Forward", Train("results/variants/distance.json", "samples/mnist-distance.conf"), null,
            Train("results/variants/distance.json", "samples/mnist-distance.conf", "train_seconds"), Inference("distance_s"), null,
            "Local per layer; distances to learned class centres, no negatives; one pass to classify."),
        new("Mono-Forward", Train("results/variants/mono-forward.json", "samples/mnist-mono-forward.conf"), null,
            Train("results/variants/mono-forward.json", "samples/mnist-mono-forward.conf", "train_seconds"), Inference("mono_forward_s"), null,
            "Local per layer; each layer has its own projection to the classes and a local cross-entropy (a per-layer error signal); one pass."),
        new("Backprop MLP", new(ComputeFile, Starting("backprop MLP"), "final_accuracy", ComputeFill), Transfer("backprop"),
            new(ComputeFile, Starting("backprop after epoch"), "train_seconds", ComputeFill), null, null,
            "The output error travels back through the transposed forward weights (weight transport); a separate backward phase; every activation stored until then.",
            "99.2 % / 75.49 %"),
        new("Dendritic FF", Train("results/variants/dendritic/dendritic.json", "samples/mnist-dendritic.conf"), null,
            Train("results/variants/dendritic/dendritic.json", "samples/mnist-dendritic.conf", "train_seconds"), null, null,
            "Two-compartment units: the label context reaches an apical compartment that gates the basal (bottom-up) drive."),
        new("Prospective FF (paper)", Train("results/variants/prospective/paper.json", "samples/mnist-prospective.conf"), null,
            Train("results/variants/prospective/paper.json", "samples/mnist-prospective.conf", "train_seconds"), null, null,
            "Activities first settle towards a label-driven target, then the weights follow them (prospective configuration)."),
        new("Predictive FF (PFF)", Train("results/variants/pff.json", "samples/mnist-pff.conf"), null,
            Train("results/variants/pff.json", "samples/mnist-pff.conf", "train_seconds"), null, null,
            "FF layers plus a generative circuit: each layer predicts its own input from its activity and learns from that local error (predictive coding); no top-down message."),
        new("Three-factor FF (best modulation)",
            new(["results/experiments/three-factor.json"], Best("goodness", "none", "seed-reward-prediction"), "goodness",
                "ffactors experiment samples/experiments/three-factor.conf --result results/experiments/three-factor.json"),
            null,
            new(["results/experiments/three-factor.json"], Best("goodness", "none", "seed-reward-prediction"), "train_seconds",
                "ffactors experiment samples/experiments/three-factor.conf --result results/experiments/three-factor.json"),
            null, null,
            "A local update scaled by a third, global factor (neuromodulation) computed from the network's own readout."),
        new("PCL-FF (corrected)",
            new(["results/experiments/pcl.json"], Named("corrected"), "goodness", "ffactors experiment samples/experiments/pcl.conf --result results/experiments/pcl.json"),
            null,
            new(["results/experiments/pcl.json"], Named("corrected"), "train_seconds", "ffactors experiment samples/experiments/pcl.conf --result results/experiments/pcl.json"),
            null, null,
            "Each layer predicts its own input; the surprise weights how much each sample teaches (predictive coding)."),
    ];

    /// <summary>The figure of <paramref name="source"/> in the repository at <paramref name="root"/>, or null when no file (or row, or value) has it.</summary>
    public static Found? Find(string root, Source? source)
    {
        if (source is null) return null;
        foreach (var file in source.Files.Where(f => File.Exists(Path.Combine(root, f))))
        {
            var result = ResultFile.Read(Path.Combine(root, file));
            if (source.Row(result) is { } row && row.Summary.TryGetValue(source.Key, out var s) && s.N > 0) return new Found(s.Mean, file, result, row);
        }
        return null;
    }

    /// <summary>The table, the notes on where each figure comes from, and what fills the empty cells.</summary>
    public static string Table(string root, Func<string, string> link)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| model | MNIST test accuracy | transfer: Fashion-MNIST linear probe on frozen features | training (s) | inference (s) | FLOPs to 97 % / backprop's | seed §4.4 (MNIST / transfer) | biological plausibility |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|---|");
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        var protocols = new List<string>();
        var missing = new List<string>();
        var unmeasured = new HashSet<string>();
        var transfers = new List<Found>();
        foreach (var m in Models)
        {
            var cells = new List<string>();
            foreach (var (what, source, format) in Cells(m))
            {
                var found = Find(root, source);
                if (found is not null)
                {
                    sources.Add(found.File);
                    cells.Add(format(found.Value) + (found.File.EndsWith("-quick.json", StringComparison.Ordinal) ? " (quick)" : ""));
                }
                else
                {
                    cells.Add("");
                    if (source is not null) missing.Add($"{m.Name}, {what}: `{source.Fill}`");
                    else unmeasured.Add(what);
                }
            }
            if (Find(root, m.Transfer) is { } t && !transfers.Any(f => f.File == t.File)) transfers.Add(t);
            if (Find(root, m.Accuracy) is { } acc)
                protocols.Add($"{m.Name}: {acc.Result.Title}{(acc.Row.Name != acc.Result.Title ? $", row `{acc.Row.Name}`" : "")} ([{acc.File}]({link(acc.File)}))");
            sb.AppendLine($"| {m.Name} | {string.Join(" | ", cells)} | {m.Seed} | {m.Bio} |");
        }
        sb.AppendLine();
        sb.AppendLine("Where the figures come from (each row's accuracy and training time come from one result file, so they share its protocol; protocols differ between rows):");
        sb.AppendLine();
        foreach (var p in protocols) sb.AppendLine($"- {p}");
        foreach (var transfer in transfers)
            sb.AppendLine($"- Transfer: {transfer.Result.Title}, key `probe_all` (linear probe on all layers' features) ([{transfer.File}]({link(transfer.File)}))");
        if (Find(root, Models[0].Inference) is { } inference)
            sb.AppendLine($"- Inference: {inference.Result.Title}, {inference.Row.Name}: each network classifies the same test images ([{inference.File}]({link(inference.File)}))");
        if (Find(root, Models[0].ComputeRatio) is { } compute)
            sb.AppendLine($"- FLOPs to 97 %: {compute.Result.Title}, training FLOPs until the first test check at or above 97 % ([{compute.File}]({link(compute.File)}))");
        sb.AppendLine("- `(quick)` marks the quick profile of an experiment (smaller data and network, fewer epochs).");
        foreach (var (what, why) in NotMeasured.Where(n => unmeasured.Contains(n.What)))
            sb.AppendLine($"- Empty {what} cells: {why}.");
        if (missing.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Commands that would fill the empty cells whose result file is missing:");
            sb.AppendLine();
            foreach (var line in missing.Distinct()) sb.AppendLine($"- {line}");
        }
        return sb.ToString();
    }

    /// <summary>Why a column has no source for some models: no command measures it for them yet.</summary>
    static readonly (string What, string Why)[] NotMeasured =
    [
        ("transfer", "samples/experiments/transfer.conf has no arm training this model (an arm added there would measure it)"),
        ("inference time", "`ffactors bench inference` times FF's goodness scoring and the one-pass readouts of HFF, Distance-Forward and Mono-Forward only"),
        ("FLOPs to 97 %", "`ffactors bench compute` counts dense FF (the reference recipe) against the backprop MLP, which is the ratio's reference"),
    ];

    /// <summary>A model's measured columns: what each is, where it comes from, how it is written.</summary>
    static IEnumerable<(string What, Source? Source, Func<double, string> Format)> Cells(Model m)
    {
        yield return ("MNIST accuracy", m.Accuracy, v => (v * 100).ToString("F2", C) + " %");
        yield return ("transfer", m.Transfer, v => (v * 100).ToString("F2", C) + " %");
        yield return ("training time", m.Training, v => v.ToString("F0", C));
        yield return ("inference time", m.Inference, v => v.ToString("F2", C));
        yield return ("FLOPs to 97 %", m.ComputeRatio, v => v.ToString("F1", C) + "×");
    }
}
