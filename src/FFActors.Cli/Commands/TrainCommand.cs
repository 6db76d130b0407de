using System.CommandLine;
using System.Diagnostics;
using Akka.Configuration;
using FFActors.Cli.Configuration;
using FFActors.Cli.Output;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
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

    public static Command Create()
    {
        var command = new Command("train", "Train a Forward-Forward network and evaluate it on the test set");
        foreach (var o in new Option[] { ConfigOption, SetOption, SeedOption, OutOption, ModeOption, ResumeOption }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var resume = parse.GetValue(ResumeOption);
            var overrides = (string[])[.. parse.GetValue(SetOption) ?? [], .. Extra(parse)];
            return resume is null
                ? Run(parse.GetValue(ConfigOption), overrides)
                : Resume(resume, parse.GetValue(ConfigOption), overrides);
        });
        return command;
    }

    static IEnumerable<string> Extra(ParseResult parse)
    {
        if (parse.GetValue(SeedOption) is { } seed) yield return $"run.seed={seed}";
        if (parse.GetValue(OutOption) is { } outDir) yield return $"run.out-dir={outDir}";
        if (parse.GetValue(ModeOption) is { } mode) yield return $"runtime.mode={mode}";
    }

    public static int Run(string? configFile, IReadOnlyList<string> overrides, CancellationToken cancel = default) =>
        Execute(ConfigLoader.Load(configFile, overrides), resumeDir: null, cancel);

    /// <summary>Continues a run from its folder's last checkpoint, with the configuration it was started with.</summary>
    public static int Resume(string runDir, string? configFile, IReadOnlyList<string> overrides, CancellationToken cancel = default)
    {
        if (configFile is not null || overrides.Any(o => !o.StartsWith("runtime.mode=", StringComparison.Ordinal)))
            throw new ConfigException("--resume: the run continues with its own config.conf; only --mode may be given with it");
        var saved = Path.Combine(runDir, "config.conf");
        if (!File.Exists(saved)) throw new ConfigException($"{saved}: not a run folder (no config.conf)");
        return Execute(ConfigLoader.Load(saved, overrides), runDir, cancel);
    }

    static int Execute(LoadedConfig hocon, string? resumeDir, CancellationToken cancel)
    {
        var binder = new ConfigBinder(hocon);
        var config = binder.Bind();
        var runtime = binder.BindRuntime();
        var device = TorchSetup.Configure(config.Run);
        using var data = DatasetLoader.Load(config.Data, device);

        var run = resumeDir is not null ? new RunFolder(resumeDir) : RunFolder.Create(config.Run.OutDir, RunName(config));
        if (resumeDir is null) run.WriteConfig(Render(hocon.Hocon));
        bool greedy = config.Train.Schedule == Schedule.Greedy;
        string how = greedy ? "greedy (in-process)" : $"simultaneous, {runtime.Mode.ToString().ToLowerInvariant()} mode";
        AnsiConsole.MarkupLine((resumeDir is null ? "[bold]run[/] " : "[bold]resuming[/] ") + Markup.Escape(
            $"{run.Path}: {config.Data.Dataset} {data.Train.Count} train / {data.Test.Count} test, {Describe(config.Model)}, {how}, {config.Train.Epochs} epochs, batch {config.Train.BatchSize}, seed {config.Run.Seed}"));

        using var stop = CancelOnCtrlC(cancel);
        var clock = Stopwatch.StartNew();
        var outcome = greedy ? TrainGreedy(config, data) : TrainWithActors(config, runtime, data, run, resumeDir is not null, stop.Token);
        using var net = outcome.Network;
        double trainSeconds = clock.Elapsed.TotalSeconds;
        run.WriteMetrics(outcome.Metrics);
        if (outcome.Log.Count > 0)
        {
            run.AppendLog(outcome.Log);
            foreach (var line in outcome.Log) AnsiConsole.MarkupLine("[yellow]" + Markup.Escape(line) + "[/]");
        }
        if (!outcome.Completed)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"stopped after a checkpoint; continue with: ffactors train --resume {run.Path}"));
            return 130;
        }

        var result = outcome.Evaluation ?? Evaluate(config, data, net);
        run.WriteWeights(net);
        run.WriteResults(new
        {
            dataset = config.Data.Dataset,
            seed = config.Run.Seed,
            layers = config.Model.Layers,
            model = Describe(config.Model),
            schedule = config.Train.Schedule.ToString().ToLowerInvariant(),
            mode = greedy ? "in-process" : runtime.Mode.ToString().ToLowerInvariant(),
            epochs = config.Train.Epochs,
            test_samples = data.Test.Count,
            goodness_accuracy = result.GoodnessAccuracy,
            score_layers = result.ScoreLayers,
            head_accuracy = double.IsNaN(result.HeadAccuracy) ? (double?)null : result.HeadAccuracy,
            head_layers = result.HeadLayers,
            train_seconds = trainSeconds,
            eval_seconds = result.Seconds,
            total_seconds = clock.Elapsed.TotalSeconds,
        });
        MetricsChart.Save(run.File("curves.png"), outcome.Metrics, $"{config.Data.Dataset} {Describe(config.Model)} {how}");
        Summary.Print(outcome.Metrics, result, trainSeconds, clock.Elapsed.TotalSeconds, run.Path);
        return 0;
    }

    static string Describe(ModelOptions model) => model switch
    {
        { Cwc: { } cwc } => $"cwc channels [{string.Join(", ", cwc.Channels)}]{(cwc.Cfse ? " cfse" : "")} {cwc.Loss}",
        { Hff: not null } => $"hff layers [{string.Join(", ", model.Layers)}]",
        _ => $"layers [{string.Join(", ", model.Layers)}]",
    };

    static string RunName(FFConfig config) => config.Run.Name.Length > 0 ? config.Run.Name
        : $"{DateTime.Now:yyyyMMdd-HHmmss}-{config.Data.Dataset}-{config.Train.Schedule.ToString().ToLowerInvariant()}";

    /// <summary>The greedy schedule trains one layer at a time, so there is nothing to pipeline: it runs in-process.</summary>
    static PipelineResult TrainGreedy(FFConfig config, DataSplits data)
    {
        var net = new FFNetwork(config, data.Train.Images.device);
        IReadOnlyList<EpochMetrics> metrics = [];
        WithProgress(observer => metrics = new FFTrainer(config, observer).Train(net, data));
        return new PipelineResult(metrics, net, Completed: true, Log: []);
    }

    static PipelineResult TrainWithActors(FFConfig config, RuntimeOptions runtime, DataSplits data, RunFolder run, bool resume, CancellationToken cancel)
    {
        PipelineResult? result = null;
        WithProgress(observer => result = PipelineRunner.Train(config, runtime, data, run.Path, resume, observer, cancel, evaluate: true));
        return result!;
    }

    static EvaluationResult Evaluate(FFConfig config, DataSplits data, FFNetwork net)
    {
        AnsiConsole.MarkupLine("[grey]evaluating on the test set (goodness scoring and softmax head)…[/]");
        return Evaluator.Evaluate(net, data.Train, data.Test, new LabelOverlay(config.Model.LabelValue), config.Eval, config.Run.Seed);
    }

    /// <summary>First Ctrl-C asks the run to checkpoint and stop; a second one kills the process as usual.</summary>
    static CancellationTokenSource CancelOnCtrlC(CancellationToken outer)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        ConsoleCancelEventHandler? handler = null;
        handler = (_, e) =>
        {
            if (cts.IsCancellationRequested) return;
            e.Cancel = true;
            Console.Error.WriteLine("ffactors: stopping after the batches in flight (checkpointing); press Ctrl-C again to abort");
            cts.Cancel();
        };
        Console.CancelKeyPress += handler;
        cts.Token.Register(() => Console.CancelKeyPress -= handler);
        return cts;
    }

    static void WithProgress(Action<ITrainingObserver> train)
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

    /// <summary>The full resolved configuration (reference + file + overrides) as HOCON.</summary>
    static string Render(Config hocon) =>
        "# Resolved configuration of this run (reference defaults + --config file + --set overrides).\n" + hocon.ToString(includeFallback: true);
}
