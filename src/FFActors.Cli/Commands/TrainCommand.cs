using System.CommandLine;
using System.Diagnostics;
using Akka.Configuration;
using FFActors.Cli.Configuration;
using FFActors.Cli.Output;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using Spectre.Console;

namespace FFActors.Cli.Commands;

/// <summary><c>ffactors train</c>: parse, train, evaluate, write the run folder, print a summary.</summary>
public static class TrainCommand
{
    static readonly Option<string?> ConfigOption = new("--config", "-c") { Description = "HOCON file with the keys to change (defaults: hocon/ffactors.conf)" };
    static readonly Option<string[]> SetOption = new("--set", "-s") { Description = "Override one key: --set train.epochs=10 (repeatable)", Arity = ArgumentArity.ZeroOrMore };
    static readonly Option<long?> SeedOption = new("--seed") { Description = "Run seed (same as --set run.seed=N)" };
    static readonly Option<string?> OutOption = new("--out") { Description = "Folder for run folders (same as --set run.out-dir=DIR)" };

    public static Command Create()
    {
        var command = new Command("train", "Train a Forward-Forward network and evaluate it on the test set");
        command.Options.Add(ConfigOption);
        command.Options.Add(SetOption);
        command.Options.Add(SeedOption);
        command.Options.Add(OutOption);
        command.SetAction(parse => Run(
            parse.GetValue(ConfigOption),
            [.. parse.GetValue(SetOption) ?? [], .. Extra(parse)]));
        return command;
    }

    static IEnumerable<string> Extra(ParseResult parse)
    {
        if (parse.GetValue(SeedOption) is { } seed) yield return $"run.seed={seed}";
        if (parse.GetValue(OutOption) is { } outDir) yield return $"run.out-dir={outDir}";
    }

    public static int Run(string? configFile, IReadOnlyList<string> overrides)
    {
        var hocon = ConfigLoader.Load(configFile, overrides);
        var config = new ConfigBinder(hocon).Bind();
        var device = TorchSetup.Configure(config.Run);
        using var data = DatasetLoader.Load(config.Data, device);

        var name = config.Run.Name.Length > 0 ? config.Run.Name
            : $"{DateTime.Now:yyyyMMdd-HHmmss}-{config.Data.Dataset}-{config.Train.Schedule.ToString().ToLowerInvariant()}";
        var run = RunFolder.Create(config.Run.OutDir, name);
        run.WriteConfig(Render(hocon));
        AnsiConsole.MarkupLine("[bold]run[/] " + Markup.Escape($"{run.Path}: {config.Data.Dataset} {data.Train.Count} train / {data.Test.Count} test, layers [{string.Join(", ", config.Model.Layers)}], {config.Train.Schedule.ToString().ToLowerInvariant()}, {config.Train.Epochs} epochs, batch {config.Train.BatchSize}, seed {config.Run.Seed}"));

        using var net = new FFNetwork(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, device);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<EpochMetrics> metrics = [];
        FFTrainer? trainer = null;
        WithProgress(observer =>
        {
            trainer = new FFTrainer(config, observer);
            metrics = trainer.Train(net, data);
        });
        double trainSeconds = clock.Elapsed.TotalSeconds;
        run.WriteMetrics(metrics);

        AnsiConsole.MarkupLine("[grey]evaluating on the test set (goodness scoring and softmax head)…[/]");
        var result = Evaluator.Evaluate(net, data.Train, data.Test, trainer!.Overlay, config.Eval, config.Run.Seed);
        run.WriteWeights(net);
        run.WriteResults(new
        {
            dataset = config.Data.Dataset,
            seed = config.Run.Seed,
            layers = config.Model.Layers,
            schedule = config.Train.Schedule.ToString().ToLowerInvariant(),
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
        MetricsChart.Save(run.File("curves.png"), metrics, $"{config.Data.Dataset} [{string.Join("-", config.Model.Layers)}] {config.Train.Schedule.ToString().ToLowerInvariant()}");
        Summary.Print(metrics, result, trainSeconds, clock.Elapsed.TotalSeconds, run.Path);
        return 0;
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
