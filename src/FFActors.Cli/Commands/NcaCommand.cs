using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using FFActors.Cli.Configuration;
using FFActors.Cli.Configuration.Keys;
using FFActors.Cli.Jobs;
using FFActors.Cli.Output;
using FFActors.Cli.Report;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Nca;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime;
using Spectre.Console;
using static TorchSharp.torch;

namespace FFActors.Cli.Commands;

/// <summary>
/// <c>ffactors nca</c>: FF-NCA. The teacher's growth trajectories become transitions (a cell's 3×3 perception, labelled
/// with its next state); the FF layers learn them through the layer actors exactly as <c>train</c> learns MNIST
/// (wrong-label negatives: the same perception with a wrong next state); the learned rule then grows the pattern from
/// the seed by goodness scoring of every candidate next state. Writes the run folder, <c>nca.json</c> and
/// <c>nca-strip.png</c>.
/// </summary>
public static class NcaCommand
{
    static readonly Option<string?> ConfigOption = new("--config", "-c") { Description = "HOCON file with the keys to change (samples/nca-rings.conf)" };
    static readonly Option<string[]> SetOption = new("--set", "-s") { Description = "Override one key: --set nca.steps=60 (repeatable)", Arity = ArgumentArity.ZeroOrMore };
    static readonly Option<long?> SeedOption = new("--seed") { Description = "Run seed (same as --set run.seed=N)" };
    static readonly Option<string?> OutOption = new("--out") { Description = "Folder for run folders (same as --set run.out-dir=DIR)" };
    static readonly Option<string?> ModeOption = new("--mode") { Description = "sequential or pipeline (same as --set runtime.mode=M)" };
    static readonly Option<string?> ResultOption = new("--result") { Description = "Also add this run's figures to a result file (results/TOPIC/NAME.json)" };

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Panels of the strip, the start included.</summary>
    const int Panels = 9;

    public static Command Create()
    {
        var command = new Command("nca", "FF-NCA: learn a growing cellular automaton's update rule with FF layers, grow the pattern, draw it");
        foreach (var o in new Option[] { ConfigOption, SetOption, SeedOption, OutOption, ModeOption, ResultOption }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var shortcuts = new List<Shortcut>();
            if (parse.GetValue(SeedOption) is { } seed) shortcuts.Add(new Shortcut($"--seed {seed}", "run.seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(OutOption) is { } outDir) shortcuts.Add(new Shortcut($"--out {outDir}", "run.out-dir", outDir));
            if (parse.GetValue(ModeOption) is { } mode) shortcuts.Add(new Shortcut($"--mode {mode}", "runtime.mode", mode));
            return Run(parse.GetValue(ConfigOption), CommandLineOverrides.Merge(parse.GetValue(SetOption) ?? [], shortcuts), parse.GetValue(ResultOption));
        });
        return command;
    }

    public static int Run(string? configFile, IReadOnlyList<string> overrides, string? resultPath = null, CancellationToken cancel = default)
    {
        var hocon = ConfigLoader.Load(configFile, overrides);
        var binder = new ConfigBinder(hocon);
        var config = binder.Bind();
        var runtime = binder.BindRuntime();
        var nca = binder.BindNca();
        runtime.Validate();
        Check(config, hocon);
        config = config with { Data = config.Data with { Dataset = NcaOptions.Info.Name } };
        var job = new TrainJob(config, runtime);
        var device = TorchSetup.Configure(config.Run);
        using var data = NcaTransitions.Build(nca, config.Run.Seed, device);
        config.Eval.CheckLayers(config.Model.LayerCount);

        string name = config.Run.Name.Length > 0 ? config.Run.Name : $"{DateTime.Now:yyyyMMdd-HHmmss}-nca-rings";
        using var run = RunFolder.Create(config.Run.OutDir, name, unique: config.Run.Name.Length == 0);
        try
        {
            run.WriteConfig(hocon.Render());
            return Train(config, nca, job, data, run, resultPath, cancel);
        }
        catch (Exception e) when (Failure.InRun(e, run.Path))
        {
            throw;
        }
    }

    /// <summary>The automaton's perception is the input, and its next state the label: a dense, labelled FF network.</summary>
    static void Check(FFConfig config, LoadedConfig hocon)
    {
        if (config.Model.Layers[0] != NcaOptions.Features)
            throw new ConfigException(hocon.OriginOf("model.layers"), "model.layers",
                $"the automaton's perception has {NcaOptions.Features} inputs ({RingCells.MaxStates} label slots + 3x3 cells x {RingCells.Channels} channels); the layers must start with {NcaOptions.Features}, not {config.Model.Layers[0]}");
        if (config.Model.Kind is not DenseKind)
            throw new ConfigException(hocon.OriginOf("model.kind"), "model.kind", $"ffactors nca trains dense FF layers, not {config.Model.Kind.Name}");
        if (NegativeSetup.Of(config).LabelFree)
            throw new ConfigException(hocon.OriginOf("train.negatives"), "train.negatives",
                $"{config.Train.Negatives} is label-free; the automaton's next state is the label, so it needs labelled negatives (wrong-label)");
    }

    static int Train(FFConfig config, NcaOptions nca, TrainJob job, DataSplits data, RunFolder run, string? resultPath, CancellationToken cancel)
    {
        using var stop = new GracefulStop(cancel);
        AnsiConsole.MarkupLine("[bold]run[/] " + Markup.Escape(
            $"{run.Path}: FF-NCA, {nca.Size}x{nca.Size} grid, rings 0..{nca.Radius}, {data.Train.Count} train / {data.Test.Count} test transitions " +
            $"({nca.TrainTrajectories} + {nca.TestTrajectories} teacher trajectories of {nca.Steps} steps, fire rate {nca.FireRate}), " +
            $"{TrainJob.Describe(config.Model)}, {job.How}, {config.Train.Epochs} epochs, negatives {config.Train.Negatives}, seed {config.Run.Seed}"));
        var clock = Stopwatch.StartNew();
        PipelineResult? trained = null;
        TrainCommand.WithProgress(observer => trained = job.Train(data, run, observer, stop.Token));
        using var net = trained!.Network;
        var done = job.Finish(data, run, trained, clock);
        if (done.Evaluation is not { } result)
        {
            AnsiConsole.MarkupLine("stopped (an interrupted FF-NCA run is not resumed: start it again)");
            return ExitCode.Stopped;
        }
        Summary.Print(trained.Metrics, result, done.TrainSeconds, done.TotalSeconds, done.Figures!.PeakResidentBytes, run.Path);

        // The pattern each rule grows from the seed, all with the same firing order.
        var cells = new RingCells(nca.Radius);
        var target = NcaGrid.Target(nca.Size, nca.Radius);
        var seed = NcaGrid.Seed(nca.Size);
        var overlay = LabelOverlay.For(config.Model);
        var layers = result.ScoreLayers;
        List<NcaGrid> Grow(NcaGrowth.Rule rule) => NcaGrowth.Grow(seed, rule, nca.Steps, nca.FireRate, NcaTransitions.FiringOrder(config.Run.Seed, -1));
        var learned = Grow(NcaGrowth.Learned(net, cells, overlay, layers));
        List<NcaGrid> untrained;
        using (var fresh = new FFNetwork(config, net.Layers[0].Module.parameters().First().device))
            untrained = Grow(NcaGrowth.Learned(fresh, cells, overlay, layers));
        var teacher = Grow(NcaGrowth.Teacher(nca.Radius));
        var growth = new NcaGrowthResult(nca.Steps, result.GoodnessAccuracy, seed.ErrorTo(target),
            learned.Select(g => g.ErrorTo(target)).ToArray(), untrained.Select(g => g.ErrorTo(target)).ToArray(), teacher.Select(g => g.ErrorTo(target)).ToArray());
        AtomicFile.WriteText(run.File("nca.json"), JsonSerializer.Serialize(growth, Json));
        var shown = Enumerable.Range(0, Panels).Select(i => (int)Math.Round((double)i * nca.Steps / (Panels - 1))).Distinct().ToArray();
        NcaStrip.Save(run.File("nca-strip.png"), [("FF rule", learned), ("untrained", untrained)], shown, target);

        Console.WriteLine($"next-state accuracy on held-out transitions: {result.GoodnessAccuracy:P2}");
        Console.WriteLine($"cells differing from the target after {nca.Steps} steps: FF rule {growth.Learned[^1]:P2}, untrained {growth.Untrained[^1]:P2}, " +
            $"teacher {growth.Teacher[^1]:P2}, seed {growth.Seed:P2}; strip {run.File("nca-strip.png")}");
        if (resultPath is not null)
        {
            ResultRecorder.AddTrainRun(resultPath, $"FF-NCA rings 0..{nca.Radius} on {nca.Size}x{nca.Size}, {TrainJob.Describe(config.Model)}, {config.Train.Epochs} epochs, {job.How}",
                File.ReadAllText(run.File("config.conf")), done.Figures!, ResultRecorder.CommandLine(), new Dictionary<string, double>
                {
                    ["grown_error"] = growth.Learned[^1],
                    ["untrained_error"] = growth.Untrained[^1],
                    ["teacher_error"] = growth.Teacher[^1],
                    ["seed_error"] = growth.Seed,
                });
            Console.WriteLine($"result file {resultPath}");
        }
        return ExitCode.Done;
    }
}

/// <summary>What <c>nca.json</c> holds: the fraction of cells differing from the target after every step (index 0 = the seed) for each rule.</summary>
public sealed record NcaGrowthResult(int Steps, double TransitionAccuracy, double Seed, double[] Learned, double[] Untrained, double[] Teacher);
