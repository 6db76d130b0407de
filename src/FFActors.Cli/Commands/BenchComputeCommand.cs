using System.CommandLine;
using System.Globalization;
using FFActors.Benchmarks;
using FFActors.Cli.Configuration;
using FFActors.Cli.Report;

namespace FFActors.Cli.Commands;

/// <summary>
/// <c>ffactors bench compute</c>: time, samples and FLOPs of FF (the reference recipe, or --config/--set) and of the
/// backprop MLP of the same widths to reach the same test accuracies, measured side by side in one run.
/// </summary>
public static class BenchComputeCommand
{
    /// <summary>What <c>--quick</c> sets before the user's own --set: a run of about a minute that still crosses its targets.</summary>
    public static readonly string[] QuickOverrides =
        ["data.train-limit=10000", "data.test-limit=1000", "model.layers=[784,300,300,300]", "train.epochs=4", "eval.diagnostics.samples=0"];

    public static Command Create()
    {
        var configOption = new Option<string?>("--config", "-c") { Description = "HOCON file with the FF keys to change (defaults: hocon/ffactors.conf, the reference recipe)" };
        var setOption = new Option<string[]>("--set", "-s") { Description = "Override one FF key: --set train.epochs=6 (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var layersOption = new Option<string?>("--layers") { Description = "Widths of both networks, input first (same as --set model.layers=[...])" };
        var epochsOption = new Option<int?>("--ff-epochs") { Description = "FF epochs (same as --set train.epochs=N; the learning-rate schedule spans them)" };
        var targetsOption = new Option<string>("--targets") { Description = "Test accuracies to time, as fractions", DefaultValueFactory = _ => "0.97,0.98" };
        var bpEpochsOption = new Option<int>("--backprop-epochs") { Description = "Most backprop epochs; it stops once every target is reached", DefaultValueFactory = _ => 5 };
        var bpLrOption = new Option<double>("--backprop-lr") { Description = "Adam learning rate of the backprop MLP", DefaultValueFactory = _ => 0.001 };
        var bpBatchOption = new Option<int>("--backprop-batch") { Description = "Batch size of the backprop MLP", DefaultValueFactory = _ => 100 };
        var bpChecksOption = new Option<int>("--backprop-checks") { Description = "Test evaluations of the backprop MLP per epoch (FF: one, after each epoch)", DefaultValueFactory = _ => 4 };
        var bpThreadsOption = new Option<int>("--backprop-threads") { Description = "Intra-op threads of the backprop MLP; 0 = all cores. 1 by default, as each FF layer actor has on this 2-core machine: while other processes hold the cores, libtorch threads of one op wait for each other", DefaultValueFactory = _ => 1 };
        var repeatsOption = new Option<int>("--repeats") { Description = "Runs of each network, alternating; wall times are the medians", DefaultValueFactory = _ => 1 };
        var quickOption = new Option<bool>("--quick") { Description = "Small profile for a check: " + string.Join(" ", QuickOverrides) + ", 1 backprop epoch, targets 0.3,0.5 unless given" };
        var compute = new Command("compute", "Wall time, training samples and FLOPs of FF (pipeline mode) and of a backprop MLP of the same widths to reach each target test accuracy");
        foreach (var o in new Option[] { configOption, setOption, layersOption, epochsOption, targetsOption, bpEpochsOption, bpLrOption, bpBatchOption, bpChecksOption,
                     bpThreadsOption, repeatsOption, quickOption, BenchCommand.OutOption, BenchCommand.ResultOption }) compute.Options.Add(o);
        compute.SetAction(parse =>
        {
            bool quick = parse.GetValue(quickOption);
            var shortcuts = new List<Shortcut>();
            if (parse.GetValue(layersOption) is { } layers)
                shortcuts.Add(new Shortcut($"--layers {layers}", "model.layers", $"[{string.Join(",", BenchCommand.Network("--layers", layers))}]"));
            if (parse.GetValue(epochsOption) is { } epochs) shortcuts.Add(new Shortcut($"--ff-epochs {epochs}", "train.epochs", epochs.ToString(CultureInfo.InvariantCulture)));
            var sets = CommandLineOverrides.Merge(parse.GetValue(setOption) ?? [], shortcuts);
            var loaded = ConfigLoader.Load(parse.GetValue(configOption), [.. quick ? QuickOverrides : [], .. sets]);
            var binder = new ConfigBinder(loaded);
            var config = binder.Bind();
            var runtime = binder.BindRuntime();
            runtime.Validate();
            bool targetsGiven = parse.GetResult(targetsOption) is { Implicit: false };
            var targets = (quick && !targetsGiven ? "0.3,0.5" : parse.GetValue(targetsOption)!).Split(',', StringSplitOptions.TrimEntries)
                .Select(t => double.TryParse(t, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"--targets: '{t}' is not a number")).ToArray();
            bool bpEpochsGiven = parse.GetResult(bpEpochsOption) is { Implicit: false };
            var options = new ComputeBenchmarkOptions(config, runtime, targets,
                BackpropEpochs: quick && !bpEpochsGiven ? 1 : parse.GetValue(bpEpochsOption),
                BackpropLearningRate: parse.GetValue(bpLrOption), BackpropBatchSize: parse.GetValue(bpBatchOption),
                BackpropChecksPerEpoch: parse.GetValue(bpChecksOption), Repeats: parse.GetValue(repeatsOption),
                BackpropThreads: parse.GetValue(bpThreadsOption));
            BenchCommand.CheckResultPath(parse);
            var report = ComputeBenchmark.Run(options, BenchCommand.Say);
            var lines = BenchCommand.Options(parse, targetsOption, bpEpochsOption, bpLrOption, bpBatchOption, bpChecksOption, bpThreadsOption, repeatsOption, quickOption);
            BenchCommand.Report(report, ComputeBenchmark.Format(report), parse,
                () => ComputeResults.Of(report, [.. lines, "# FF configuration (resolved):", .. loaded.Render().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n')],
                    ResultRecorder.CommandLine()));
            return 0;
        });
        return compute;
    }
}
