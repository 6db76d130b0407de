using System.CommandLine;
using FFActors.Cli.Platform;
using FFActors.Runtime.Benchmark;
using Spectre.Console;

namespace FFActors.Cli.Commands;

/// <summary><c>ffactors bench pipeline</c>: sequential vs pipeline throughput measured in one run on this machine.</summary>
public static class BenchCommand
{
    static readonly Option<int> SamplesOption = new("--samples") { Description = "MNIST training samples per timed epoch (default: all 60000, one real epoch)", DefaultValueFactory = _ => 60000 };
    static readonly Option<string> DataOption = new("--data") { Description = "Folder with mnist/ in it", DefaultValueFactory = _ => "samples/data" };
    static readonly Option<int> WindowOption = new("--credit-window") { Description = "Batches in flight per layer in every timed mode (runtime.credit-window)", DefaultValueFactory = _ => 3 };
    static readonly Option<string> NetworksOption = new("--networks") { Description = "Networks to time, input first, separated by ';'", DefaultValueFactory = _ => "784,500,500;784,1000,1000,1000,1000" };
    static readonly Option<string> BatchesOption = new("--batch-sizes") { Description = "Batch sizes to time each network at", DefaultValueFactory = _ => "100,1000" };
    static readonly Option<int> RoundsOption = new("--rounds") { Description = "Epochs of every mode per row, each after measuring the matmul rate again; a row reports each mode's median round and the median rate", DefaultValueFactory = _ => 3 };
    static readonly Option<string?> OutOption = new("--json") { Description = "Also write the report as JSON to this file" };

    static readonly Option<string> LayersOption = new("--layers") { Description = "Network size, input first (both networks)", DefaultValueFactory = _ => "784,1000,1000,1000" };
    static readonly Option<int> TestSamplesOption = new("--samples") { Description = "MNIST test samples classified per timing", DefaultValueFactory = _ => 10000 };
    static readonly Option<int> RepeatsOption = new("--repeats") { Description = "Timings per network; the medians are compared", DefaultValueFactory = _ => 5 };

    /// <summary><c>ffactors bench inference</c>: the single pass of Hyperspherical FF and Distance-Forward vs 10-pass goodness scoring, same network size.</summary>
    static Command Inference()
    {
        var inference = new Command("inference", "Inference time of Hyperspherical FF and Distance-Forward (one pass) vs label-scoring FF (10 passes) on the same network size");
        inference.Options.Add(LayersOption);
        inference.Options.Add(TestSamplesOption);
        inference.Options.Add(RepeatsOption);
        inference.Options.Add(DataOption);
        inference.Options.Add(OutOption);
        inference.SetAction(parse =>
        {
            var layers = Network("--layers", parse.GetValue(LayersOption)!);
            int samples = parse.GetValue(TestSamplesOption);
            if (samples < 100 || samples > 10000) throw new ArgumentException($"--samples: {samples} must be in [100, 10000]");
            var dataDir = parse.GetValue(DataOption)!;
            if (!Directory.Exists(Path.Combine(dataDir, "mnist"))) throw new DirectoryNotFoundException($"{Path.Combine(dataDir, "mnist")}: MNIST folder not found (--data)");
            var report = FFActors.Core.Evaluation.InferenceBenchmark.Run(
                new FFActors.Core.Evaluation.InferenceBenchmarkOptions(layers, samples, parse.GetValue(RepeatsOption), DataDir: dataDir),
                line => AnsiConsole.MarkupLine("[grey]" + Markup.Escape(line) + "[/]"));
            Console.WriteLine(FFActors.Core.Evaluation.InferenceBenchmark.Format(report));
            if (parse.GetValue(OutOption) is { } json)
                Output.AtomicFile.WriteText(json, System.Text.Json.JsonSerializer.Serialize(report, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        return inference;
    }

    /// <summary>"784,1000,1000": an MNIST network, input first.</summary>
    static int[] Network(string option, string text)
    {
        var layers = Integers(option, text);
        if (layers.Length < 2 || layers[0] != 784) throw new ArgumentException($"{option}: '{text}' must start with the MNIST input size 784 and have at least one layer");
        return layers;
    }

    static int[] Integers(string option, string text) => text.Split(',', StringSplitOptions.TrimEntries).Select(t => int.TryParse(t, out int v) && v > 0 ? v
        : throw new ArgumentException($"{option}: '{t}' in '{text}' is not a positive integer")).ToArray();

    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks (ratios measured in one run on this machine)");
        var pipeline = new Command("pipeline", "Samples/s of sequential (1 thread, all cores) vs pipeline mode, speedup, efficiency, GEMM bound");
        pipeline.Options.Add(SamplesOption);
        pipeline.Options.Add(DataOption);
        pipeline.Options.Add(OutOption);
        pipeline.Options.Add(WindowOption);
        pipeline.Options.Add(NetworksOption);
        pipeline.Options.Add(BatchesOption);
        pipeline.Options.Add(RoundsOption);
        pipeline.SetAction(parse =>
        {
            int samples = parse.GetValue(SamplesOption);
            if (samples < 1000) throw new ArgumentException($"--samples: {samples} is too few (at least 1000)");
            int window = parse.GetValue(WindowOption);
            if (window < 1) throw new ArgumentException($"--credit-window: {window} must be at least 1");
            var networks = parse.GetValue(NetworksOption)!.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(n => Network("--networks", n)).ToArray();
            if (networks.Length == 0) throw new ArgumentException("--networks: no network given");
            var batches = Integers("--batch-sizes", parse.GetValue(BatchesOption)!);
            if (batches.Any(b => b > samples)) throw new ArgumentException($"--batch-sizes: {batches.Max()} is more than --samples {samples}");
            int rounds = parse.GetValue(RoundsOption);
            if (rounds < 1) throw new ArgumentException($"--rounds: {rounds} must be at least 1");
            var dataDir = parse.GetValue(DataOption)!;
            if (!Directory.Exists(Path.Combine(dataDir, "mnist"))) throw new DirectoryNotFoundException($"{Path.Combine(dataDir, "mnist")}: MNIST folder not found (--data)");
            var report = PipelineBenchmark.Run(new PipelineBenchmarkOptions(networks, batches, Samples: samples, CreditWindow: window, DataDir: dataDir, Rounds: rounds),
                line => AnsiConsole.MarkupLine("[grey]" + Markup.Escape(line) + "[/]"));
            report = report with { Blas = MklDispatch.Status };
            Console.WriteLine(PipelineBenchmark.Format(report));
            if (parse.GetValue(OutOption) is { } json)
                Output.AtomicFile.WriteText(json, System.Text.Json.JsonSerializer.Serialize(report, new System.Text.Json.JsonSerializerOptions { WriteIndented = true, IncludeFields = true }));
            return 0;
        });
        bench.Subcommands.Add(pipeline);
        bench.Subcommands.Add(ClusterBench.Create(DataOption, OutOption));
        bench.Subcommands.Add(Inference());
        return bench;
    }
}
