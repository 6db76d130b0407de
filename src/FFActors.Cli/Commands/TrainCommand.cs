using System.CommandLine;
using System.Diagnostics;
using FFActors.Cli.Configuration;
using FFActors.Cli.Configuration.Keys;
using FFActors.Cli.Jobs;
using FFActors.Cli.Output;
using FFActors.Cli.Report;
using FFActors.Cli.Platform;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime;
using Spectre.Console;

namespace FFActors.Cli.Commands;

/// <summary><c>ffactors train</c>: parse, train, evaluate, write the run folder, print a summary.</summary>
public static class TrainCommand
{
    static readonly Option<string?> ConfigOption = new("--config", "-c") { Description = "HOCON file with the keys to change (defaults: hocon/ffactors.conf)" };
    static readonly Option<string[]> SetOption = new("--set", "-s") { Description = "Override one key: --set train.epochs=10 (repeatable)", Arity = ArgumentArity.ZeroOrMore };
    static readonly Option<long?> SeedOption = new("--seed") { Description = "Run seed (same as --set run.seed=N)" };
    static readonly Option<string?> OutOption = new("--out") { Description = "Folder for run folders (same as --set run.out-dir=DIR)" };
    static readonly Option<string?> ModeOption = new("--mode") { Description = "sequential or pipeline (same as --set runtime.mode=M)" };
    static readonly Option<string?> ResumeOption = new("--resume") { Description = "Continue the run in RUN_DIR from its last checkpoint, with its own config" };
    static readonly Option<string?> ResultOption = new("--result") { Description = "Also add this run's seed, command, config, build and machine to a result file (results/TOPIC/NAME.json, see ffactors report)" };
    static readonly Option<bool> JsonOption = new("--json") { Description = "Print the final results as one JSON object on stdout (everything else goes to stderr)" };
    static readonly Option<bool> TensorBoardOption = new("--tensorboard") { Description = "Also write TensorBoard event files of the per-epoch and per-layer metrics into RUN_DIR/tensorboard" };
    static readonly Option<bool> ClusterOption = new("--cluster") { Description = "Join a cluster as the coordinator and train on its layer hosts (ffactors node); see hocon/cluster.conf" };

    public static Command Create()
    {
        var command = new Command("train", "Train a Forward-Forward network and evaluate it on the test set");
        foreach (var o in new Option[] { ConfigOption, SetOption, SeedOption, OutOption, ModeOption, ResumeOption, ResultOption, JsonOption, TensorBoardOption, ClusterOption,
                     ClusterArgs.Host, ClusterArgs.Port, ClusterArgs.SeedNodes }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var resume = parse.GetValue(ResumeOption);
            var overrides = CommandLineOverrides.Merge(parse.GetValue(SetOption) ?? [], [.. Shortcuts(parse), .. ClusterArgs.Shortcuts(parse)]);
            bool cluster = parse.GetValue(ClusterOption);
            var output = new RunOutput(parse.GetValue(ResultOption), parse.GetValue(JsonOption), parse.GetValue(TensorBoardOption));
            using var json = output.Json ? JsonStdout.Take() : null;
            int code = resume is null
                ? Run(parse.GetValue(ConfigOption), overrides, cluster: cluster, output: output)
                : Resume(resume, parse.GetValue(ConfigOption), overrides, cluster: cluster, output: output);
            if (json is not null && output.Printed is { } printed) json.Write(printed);
            return code;
        });
        return command;
    }

    static IEnumerable<Shortcut> Shortcuts(ParseResult parse)
    {
        if (parse.GetValue(SeedOption) is { } seed) yield return new Shortcut($"--seed {seed}", "run.seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (parse.GetValue(OutOption) is { } outDir) yield return new Shortcut($"--out {outDir}", "run.out-dir", outDir);
        if (parse.GetValue(ModeOption) is { } mode) yield return new Shortcut($"--mode {mode}", "runtime.mode", mode);
    }

    /// <param name="cluster">Train as the coordinator of a cluster, with the layers on its layer hosts (<c>--cluster</c>).</param>
    /// <param name="output">Where the final results go besides the console (result file, JSON); null = the console only.</param>
    public static int Run(string? configFile, IReadOnlyList<string> overrides, CancellationToken cancel = default, bool cluster = false, RunOutput? output = null) =>
        Execute(ConfigLoader.Load(configFile, overrides), resumeDir: null, cancel, cluster, output);

    /// <summary>Continues a run from its folder's last checkpoint, with the configuration it was started with.</summary>
    public static int Resume(string runDir, string? configFile, IReadOnlyList<string> overrides, CancellationToken cancel = default, bool cluster = false, RunOutput? output = null)
    {
        if (configFile is not null || overrides.Any(o => !o.StartsWith("runtime.mode=", StringComparison.Ordinal) && !o.StartsWith("cluster.", StringComparison.Ordinal)))
            throw new ConfigException("--resume: the run continues with its own config.conf; only --mode and the cluster's options (--host, --port, --seed-nodes, --set cluster.*) may be given with it");
        var saved = Path.Combine(runDir, "config.conf");
        if (!File.Exists(saved)) throw new ConfigException($"{saved}: not a run folder (no config.conf)");
        var loaded = ConfigLoader.Load(saved, overrides);
        return Execute(cluster ? RecordedClusterSettings.Apply(loaded, runDir) : loaded, runDir, cancel, cluster, output);
    }

    static int Execute(LoadedConfig hocon, string? resumeDir, CancellationToken cancel, bool clustered, RunOutput? output)
    {
        var binder = new ConfigBinder(hocon);
        var config = binder.Bind();
        var runtime = binder.BindRuntime();
        var cluster = clustered ? binder.BindCluster() : null;
        runtime.Validate();
        if (resumeDir is null && runtime.ThreadsPerLayer == 0)
        {
            // Recorded as resolved, so a resume on a machine with another core count computes with the same bits.
            int threads = runtime.ThreadsFor(config.Model.LayerCount, Environment.ProcessorCount);
            runtime = runtime with { ThreadsPerLayer = threads };
            hocon = hocon.With(RuntimeKeys.ThreadsPerLayer.Path, threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{RuntimeKeys.ThreadsPerLayer.Path} = 0 on {Environment.ProcessorCount} cores");
        }
        var job = new TrainJob(config, runtime, cluster, say: line => AnsiConsole.MarkupLine("[grey]" + Markup.Escape(line) + "[/]"), resumeDir);
        var device = TorchSetup.Configure(config.Run);
        using var data = DatasetLoader.Load(config.Data, device);
        PipelineRunner.CheckData(config, data);
        config.Eval.CheckLayers(config.Model.LayerCount);

        output?.CheckCanRecord(resumeDir is null ? hocon.Render() : File.ReadAllText(Path.Combine(resumeDir, "config.conf")));
        void Say(string line) => AnsiConsole.MarkupLine("[yellow]" + Markup.Escape(line) + "[/]");
        using var run = resumeDir is not null ? RunFolder.Open(resumeDir, Say)
            : RunFolder.Create(config.Run.OutDir, RunName(config), unique: config.Run.Name.Length == 0);
        try
        {
            if (resumeDir is null) run.WriteConfig(hocon.Render());
            if (resumeDir is null) run.WriteText(RunFolder.CommandFile, ResultRecorder.CommandLine() + "\n");
            if (resumeDir is null && clustered) run.WriteText(RecordedClusterSettings.FileName, RecordedClusterSettings.Render(hocon));
            var said = resumeDir is not null && runtime.Checkpoints ? CheckCheckpoints(run, config, runtime, data, Say) : [];
            return Train(config, job, data, run, resumeDir is not null, cancel, clustered: cluster is not null, said, output);
        }
        catch (Exception e) when (Failure.InRun(e, run.Path))
        {
            throw;
        }
    }

    /// <summary>
    /// Before any actor starts: verifies the checkpoints of the run being resumed (newest first), says which ones are
    /// skipped and why, in the console and run.log, and throws in one line when none is intact. Returns the lines said,
    /// which the runner's own check repeats.
    /// </summary>
    static HashSet<string> CheckCheckpoints(RunFolder run, FFConfig config, RuntimeOptions runtime, DataSplits data, Action<string> say)
    {
        var log = new List<string>();
        try
        {
            PipelineRunner.CheckResume(config, runtime, data, run.Path, log);
        }
        finally
        {
            foreach (var line in log) say(line);
            if (log.Count > 0) run.AppendLog(log);
        }
        return [.. log];
    }

    static int Train(FFConfig config, TrainJob job, DataSplits data, RunFolder run, bool resuming, CancellationToken cancel, bool clustered, HashSet<string> said,
        RunOutput? output)
    {
        // Before the first line: once the run is announced, a signal is a stop request (never the default action).
        using var stop = job.Greedy ? new GracefulStop(cancel, "stopping before the next batch (greedy training resumes from its last finished epoch)") : new GracefulStop(cancel);
        var negatives = job.Negatives;
        string how = job.How;
        AnsiConsole.MarkupLine((resuming ? "[bold]resuming[/] " : "[bold]run[/] ") + Markup.Escape(
            $"{run.Path}: {config.Data.Dataset} {data.Train.Count} train / {data.Test.Count} test, {TrainJob.Describe(config.Model)}, {how}, {config.Train.Epochs} epochs, batch {config.Train.BatchSize}, seed {config.Run.Seed}" +
            (config.Model.LabelDriven ? "" : $", negatives {config.Train.Negatives}{(negatives.LabelFree ? " (label-free)" : "")}, evaluation: {negatives.Evaluation}")));
        AnsiConsole.MarkupLine("[grey]" + Markup.Escape($"{ProcessTuning.Describe()}; {job.Threads}") + "[/]");
        var divergences = job.Divergences().ToArray();
        foreach (var line in divergences) AnsiConsole.MarkupLine("[yellow]" + Markup.Escape(line) + "[/]");
        if (divergences.Length > 0) run.AppendLog(divergences);

        var clock = Stopwatch.StartNew();
        PipelineResult? trained = null;
        if (clustered)
            trained = job.Train(data, run, new ProgressObserver(null), stop.Token);
        else
            WithProgress(observer => trained = job.Train(data, run, observer, stop.Token));
        // The checkpoint check before training has said (and logged) these already.
        trained = trained! with { Log = trained.Log.Where(l => !said.Contains(l)).ToArray() };
        using var net = trained.Network;
        var done = job.Finish(data, run, trained, clock,
            beforeEvaluation: () => AnsiConsole.MarkupLine(negatives.ProbeOnly
                ? "[grey]evaluating on the test set (linear probe on frozen features)…[/]"
                : "[grey]evaluating on the test set (goodness scoring and softmax head)…[/]"));
        foreach (var line in trained.Log) AnsiConsole.MarkupLine("[yellow]" + Markup.Escape(line) + "[/]");
        if (done.Evaluation is not { } result)
        {
            AnsiConsole.MarkupLine(Markup.Escape(job.Greedy
                ? $"stopped; continue from the last checkpointed epoch with: ffactors train --resume {run.Path}"
                : $"stopped after a checkpoint; continue with: ffactors train --resume {run.Path}"));
            return ExitCode.Stopped;
        }
        Summary.Print(trained.Metrics, result, done.TrainSeconds, done.TotalSeconds, done.Figures!.PeakResidentBytes, run.Path);
        if (done.Figures!.ReconstructionMse is { } reconstruction)
            AnsiConsole.MarkupLine(Markup.Escape($"reconstruction error (test, top-down from the top layer, mean squared per pixel on [0, 1]): {reconstruction:F4} " +
                $"(mean training image: {done.Figures.MeanImageMse:F4}); generations: {run.File(GenerativeReport.PictureFile)}"));
        if (output is not null) output.Finished(run, File.ReadAllText(run.File("config.conf")), done.Figures!,
            TrainJob.Title(config, how), trained.Metrics, result);
        return ExitCode.Done;
    }

    static string RunName(FFConfig config) => config.Run.Name.Length > 0 ? config.Run.Name
        : $"{DateTime.Now:yyyyMMdd-HHmmss}-{config.Data.Dataset}-{config.Train.Schedule.ToString().ToLowerInvariant()}";

    internal static void WithProgress(Action<ITrainingObserver> train)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            train(new ProgressObserver(null));
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => train(new ProgressObserver(ctx)));
    }
}
