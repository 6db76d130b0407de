using System.CommandLine;
using FFActors.Cli.Configuration;
using FFActors.Cli.Jobs;
using FFActors.Cli.Output;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Cli.Commands;

/// <summary>
/// <c>ffactors plot RUN_DIR</c>: draws a finished run's pictures again from the files in its folder (config.conf,
/// metrics.json, weights/), as training drew them, without training: after a change to how they are drawn, or into
/// another folder (<c>--out</c>) for the docs.
/// </summary>
public static class PlotCommand
{
    static readonly Argument<string> RunArgument = new("run") { Description = "A finished run folder (with config.conf, metrics.json and weights/)" };
    static readonly Option<string?> OutOption = new("--out") { Description = "Folder to draw into (default: the run folder)" };

    public static Command Create()
    {
        var command = new Command("plot", "Draw a finished run's pictures again (curves.png, goodness-layerN.png, receptive-fields.png, a generative network's generations.png) from its run folder");
        command.Arguments.Add(RunArgument);
        command.Options.Add(OutOption);
        command.SetAction(parse => Run(parse.GetValue(RunArgument)!, parse.GetValue(OutOption)));
        return command;
    }

    public static int Run(string runDir, string? outDir = null)
    {
        var saved = Path.Combine(runDir, "config.conf");
        if (!File.Exists(saved)) throw new ConfigException($"{saved}: not a run folder (no config.conf)");
        var binder = new ConfigBinder(ConfigLoader.Load(saved, []));
        var config = binder.Bind();
        var job = new TrainJob(config, binder.BindRuntime());
        var metrics = RunFolder.ReadMetrics(runDir);
        using var net = new FFNetwork(config, CPU);
        foreach (var layer in net.Layers)
        {
            var weights = Path.Combine(runDir, "weights", $"layer{layer.Spec.Index}.pt");
            if (!File.Exists(weights)) throw new IOException($"{weights}: not found (the run did not finish, or is not a run folder)");
            layer.Module.load(weights);
        }
        var folder = outDir ?? runDir;
        Directory.CreateDirectory(folder);
        TrainJob.DrawPictures(folder, config, job.How, metrics, net, net.Layers[0].Spec.InputSize);
        // A generative network's picture needs the data its latent prior is fitted to.
        if (GenerativeCircuit.Of(net) is not null)
        {
            using var data = DatasetLoader.Load(config.Data, CPU);
            GenerativeReport.Write(folder, config, data, net);
        }
        Console.WriteLine($"pictures of {runDir} drawn in {folder}");
        return ExitCode.Done;
    }
}
