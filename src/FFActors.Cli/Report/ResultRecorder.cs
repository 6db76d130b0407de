using System.Text.RegularExpressions;
using FFActors.Cli.Experiments;
using FFActors.Cli.Jobs;

namespace FFActors.Cli.Report;

/// <summary>
/// Writes result files from finished runs: <c>train --result FILE</c> adds the run's seed to FILE
/// (creating it, or merging with the seeds of earlier invocations of the same configuration);
/// <c>experiment --result FILE</c> writes every arm's per-seed figures.
/// </summary>
public static partial class ResultRecorder
{
    /// <summary>Said in every result file: a reader comparing wall times must know they are not from an idle machine.</summary>
    public const string SharedMachineNote =
        "Accuracies are deterministic for the configuration and seed. Wall times were measured on a machine shared with other jobs; treat them as an upper bound.";

    /// <summary>The command line of this process as the user typed it (arguments quoted where the shell needs it).</summary>
    public static string CommandLine() => CommandLine(Environment.GetCommandLineArgs().Skip(1));

    public static string CommandLine(IEnumerable<string> args) =>
        "ffactors " + string.Join(" ", args.Select(a => a.Length > 0 && a.All(ch => char.IsLetterOrDigit(ch) || "-_./=,:[]+@".Contains(ch)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    /// <summary>Adds a finished train run to <paramref name="path"/>.</summary>
    /// <param name="config">The run's resolved configuration (its config.conf).</param>
    /// <param name="extra">Further figures of the run beyond a train run's (e.g. what <c>ffactors nca</c> measures of the grown pattern).</param>
    /// <exception cref="IOException">The file holds another configuration or another kind of result.</exception>
    /// <param name="curves">The run's per-epoch series (<see cref="SeedFigures.CurvesOf"/>); null = none.</param>
    public static ResultFile AddTrainRun(string path, string title, string config, RunResults figures, string command,
        IReadOnlyDictionary<string, double>? extra = null, IReadOnlyDictionary<string, IReadOnlyList<double>>? curves = null)
    {
        var lines = Lines(config);
        var values = new Dictionary<string, double?>
        {
            ["goodness_accuracy"] = figures.GoodnessAccuracy,
            ["head_accuracy"] = figures.HeadAccuracy,
            ["train_seconds"] = figures.TrainSeconds,
            ["eval_seconds"] = figures.EvalSeconds,
            ["total_seconds"] = figures.TotalSeconds,
            ["peak_rss_gb"] = figures.PeakResidentBytes / 1e9,
        };
        if (figures.ReconstructionMse is { } reconstruction) values["reconstruction_mse"] = reconstruction;
        if (figures.MeanImageMse is { } meanImage) values["mean_image_mse"] = meanImage;
        foreach (var (key, value) in extra ?? new Dictionary<string, double>()) values[key] = value;
        var row = new SeedFigures(figures.Seed, values, curves);
        var invocation = new Invocation(command, BuildInfo.Version, BuildInfo.Commit, DateTime.UtcNow, MachineFacts.Current(), [figures.Seed]);
        if (!File.Exists(path))
        {
            var created = new ResultFile
            {
                Kind = ResultFile.TrainKind, Title = title, Note = SharedMachineNote, Config = lines,
                Invocations = [invocation], Rows = [new ResultRow(title, [], [row])],
            };
            created.Write(path);
            return created;
        }
        var old = Compatible(path, lines);
        // A seed measured again replaces its earlier figures: the file keeps one entry per seed.
        var seeds = old.Rows[0].Seeds.Where(s => s.Seed != figures.Seed).Append(row).OrderBy(s => s.Seed).ToList();
        var invocations = old.Invocations.Where(i => !(i.Seeds.Count == 1 && i.Seeds[0] == figures.Seed)).Append(invocation).ToList();
        var merged = old with { Invocations = invocations, Rows = [old.Rows[0] with { Seeds = seeds }] };
        merged.Write(path);
        return merged;
    }

    /// <summary>Throws when a run of <paramref name="config"/> cannot be added to <paramref name="path"/>: checked before
    /// training, so a long run is not spent on a result file that would refuse it.</summary>
    /// <exception cref="IOException">The file holds another configuration or another kind of result.</exception>
    public static void CheckCanAdd(string path, string config)
    {
        if (File.Exists(path)) Compatible(path, Lines(config));
    }

    static ResultFile Compatible(string path, List<string> lines)
    {
        var old = ResultFile.Read(path);
        if (old.Kind != ResultFile.TrainKind) throw new IOException($"{path}: holds an {old.Kind} result, not train runs");
        if (!SameRun(old.Config, lines))
            throw new IOException($"{path}: holds runs of another configuration (only run.seed, run.name and run.out-dir may differ); write to a new file");
        return old;
    }

    /// <summary>Writes an experiment's per-arm, per-seed figures to <paramref name="path"/> (replacing the file).</summary>
    public static ResultFile WriteExperiment(string path, ExperimentSpec spec, IReadOnlyList<ArmResult> results, string command)
    {
        var rows = spec.Arms.Select(a => new ResultRow(a.Name, a.Own,
            results.Where(r => r.Arm == a.Name && r.Ok).OrderBy(r => r.Seed)
                .Select(r => new SeedFigures(r.Seed, r.Metrics.ToDictionary(m => m.Key, m => (double?)m.Value).Append(new("seconds", r.Seconds)).ToDictionary())).ToList())).ToList();
        var file = new ResultFile
        {
            Kind = ResultFile.ExperimentKind,
            Title = spec.Name + (spec.Quick ? " (quick profile)" : ""),
            Note = (spec.Description.Length > 0 ? spec.Description.Trim() + " " : "") + SharedMachineNote,
            Config = [$"# {spec.File}{(spec.Quick ? " (run with --quick)" : "")}", .. Lines(File.ReadAllText(spec.File)), .. (spec.Sets ?? []).Select(s => $"# --set {s}")],
            Invocations = [new Invocation(command, BuildInfo.Version, BuildInfo.Commit, DateTime.UtcNow, MachineFacts.Current(), spec.Seeds.ToList())],
            Rows = rows,
        };
        file.Write(path);
        return file;
    }

    static List<string> Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').ToList();

    /// <summary>Equal configurations apart from the keys that name one invocation (run.seed, run.name, run.out-dir).</summary>
    static bool SameRun(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Where(l => !PerInvocation().IsMatch(l)).SequenceEqual(b.Where(l => !PerInvocation().IsMatch(l)));

    [GeneratedRegex(@"^\s+(seed|name|out-dir) : ")]
    private static partial Regex PerInvocation();
}
