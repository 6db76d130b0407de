using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using FFActors.Benchmarks;
using FFActors.Cli.Platform;
using FFActors.Cli.Report;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Serialization;
using Spectre.Console;

namespace FFActors.Cli.Commands;

/// <summary>
/// <c>ffactors bench pipeline|cluster|inference|compute</c>: ratios measured in one run on this machine. The measuring is
/// FFActors.Benchmarks'; this parses the options, starts the cluster benchmark's layer hosts and prints.
/// </summary>
public static class BenchCommand
{
    internal static readonly Option<string> DataOption = new("--data") { Description = "Folder with mnist/ in it", DefaultValueFactory = _ => "samples/data" };
    internal static readonly Option<string?> OutOption = new("--json") { Description = "Also write the report as JSON to this file" };
    internal static readonly Option<string?> ResultOption = new("--result") { Description = "Also write the headline figures, command, options, build and machine as a result file (results/benchmarks/NAME.json, see ffactors report)" };

    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks (ratios measured in one run on this machine)");
        bench.Subcommands.Add(Pipeline());
        bench.Subcommands.Add(Cluster());
        bench.Subcommands.Add(Inference());
        bench.Subcommands.Add(BenchComputeCommand.Create());
        return bench;
    }

    internal static void Say(string line) => AnsiConsole.MarkupLine("[grey]" + Markup.Escape(line) + "[/]");

    /// <param name="result">The report as a result file, made only when --result asks for one.</param>
    internal static void Report<T>(T report, string text, ParseResult parse, Func<ResultFile> result)
    {
        Console.WriteLine(text);
        if (parse.GetValue(OutOption) is { } json)
            Output.AtomicFile.WriteText(json, BenchmarkJson.Serialize(report));
        if (parse.GetValue(ResultOption) is { } path)
        {
            result().Write(path);
            Console.WriteLine($"result file {path}");
        }
    }

    /// <summary>The options a benchmark ran with, as a result file's configuration lines ("--samples 60000").</summary>
    internal static List<string> Options(ParseResult parse, params Option[] options) =>
        options.Select(o => $"{o.Name} {parse.GetResult(o)?.GetValueOrDefault<object>()}").ToList();

    /// <summary>Refuses a --result path before a long measurement rather than after it.</summary>
    internal static void CheckResultPath(ParseResult parse)
    {
        if (parse.GetValue(ResultOption) is not { } path) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"--result {path}: folder {dir} does not exist");
        if (File.Exists(path)) _ = ResultFile.Read(path); // an unreadable file is named now; a readable one is replaced
    }

    static string MnistDir(ParseResult parse)
    {
        var dataDir = parse.GetValue(DataOption)!;
        if (!Directory.Exists(Path.Combine(dataDir, "mnist"))) throw new DirectoryNotFoundException($"{Path.Combine(dataDir, "mnist")}: MNIST folder not found (--data)");
        return dataDir;
    }

    /// <summary><c>ffactors bench pipeline</c>: sequential vs pipeline throughput.</summary>
    static Command Pipeline()
    {
        var samplesOption = new Option<int>("--samples") { Description = "MNIST training samples per timed epoch (default: all 60000, one real epoch)", DefaultValueFactory = _ => 60000 };
        var windowOption = new Option<int>("--credit-window") { Description = "Batches in flight per layer in every timed mode (runtime.credit-window)", DefaultValueFactory = _ => 3 };
        var networksOption = new Option<string>("--networks") { Description = "Networks to time, input first, separated by ';'", DefaultValueFactory = _ => "784,500,500;784,1000,1000,1000,1000" };
        var batchesOption = new Option<string>("--batch-sizes") { Description = "Batch sizes to time each network at", DefaultValueFactory = _ => "100,1000" };
        var roundsOption = new Option<int>("--rounds") { Description = "Epochs of every mode per row, each after measuring the matmul rate again; a row reports each mode's median round and the median rate", DefaultValueFactory = _ => 3 };
        var bf16Option = new Option<bool>("--bf16") { Description = "Also time the pipeline with bfloat16 matmuls (model.kernel = blocked-bf16) in every round", DefaultValueFactory = _ => true };
        var pipeline = new Command("pipeline", "Samples/s of sequential (1 thread, all cores) vs pipeline mode, speedup, efficiency, GEMM bound");
        foreach (var o in new Option[] { samplesOption, DataOption, OutOption, ResultOption, windowOption, networksOption, batchesOption, roundsOption, bf16Option }) pipeline.Options.Add(o);
        pipeline.SetAction(parse =>
        {
            int samples = parse.GetValue(samplesOption);
            if (samples < 1000) throw new ArgumentException($"--samples: {samples} is too few (at least 1000)");
            int window = parse.GetValue(windowOption);
            if (window < 1) throw new ArgumentException($"--credit-window: {window} must be at least 1");
            var networks = parse.GetValue(networksOption)!.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(n => Network("--networks", n)).ToArray();
            if (networks.Length == 0) throw new ArgumentException("--networks: no network given");
            var batches = Integers("--batch-sizes", parse.GetValue(batchesOption)!);
            if (batches.Any(b => b > samples)) throw new ArgumentException($"--batch-sizes: {batches.Max()} is more than --samples {samples}");
            int rounds = parse.GetValue(roundsOption);
            if (rounds < 1) throw new ArgumentException($"--rounds: {rounds} must be at least 1");
            CheckResultPath(parse);
            var report = PipelineBenchmark.Run(new PipelineBenchmarkOptions(networks, batches, Samples: samples, CreditWindow: window, DataDir: MnistDir(parse), Rounds: rounds,
                IncludeBf16: parse.GetValue(bf16Option)), Say);
            report = report with { Blas = MklDispatch.Status };
            Report(report, PipelineBenchmark.Format(report), parse, () => BenchmarkResults.Pipeline(report,
                Options(parse, networksOption, batchesOption, samplesOption, roundsOption, windowOption, bf16Option), ResultRecorder.CommandLine()));
            return 0;
        });
        return pipeline;
    }

    /// <summary><c>ffactors bench cluster</c>: serializer throughput, per-hop latency, and a pipeline over layer-host processes on loopback vs the local pipeline.</summary>
    static Command Cluster()
    {
        var samplesOption = new Option<int>("--samples") { Description = "MNIST training samples per epoch", DefaultValueFactory = _ => 10000 };
        var epochsOption = new Option<int>("--epochs") { Description = "Epochs per pipeline; the first warms up, the others are timed (median)", DefaultValueFactory = _ => 3 };
        var batchOption = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 500 };
        var hostsOption = new Option<int>("--hosts") { Description = "Layer-host processes", DefaultValueFactory = _ => 2 };
        var layersOption = new Option<string>("--layers") { Description = "Layer sizes, input first", DefaultValueFactory = _ => "784,1000,1000,1000" };
        var placementOption = new Option<string>("--placement") { Description = "Layers over hosts: contiguous | round-robin", DefaultValueFactory = _ => "contiguous" };
        var dataPlaneOption = new Option<string>("--data-plane") { Description = "Activations between processes: on (the data plane) | off (Akka.Remote only)", DefaultValueFactory = _ => "on" };
        var precisionOption = new Option<string>("--precision") { Description = "Activation wire precision: float32 | float16 | bfloat16", DefaultValueFactory = _ => "float32" };
        var cluster = new Command("cluster", "Serializer GB/s, per-hop latency, and samples/s of a pipeline over layer-host processes vs the local pipeline (loopback)");
        foreach (var o in new Option[] { samplesOption, epochsOption, batchOption, hostsOption, layersOption, placementOption, precisionOption, dataPlaneOption, DataOption, OutOption, ResultOption })
            cluster.Options.Add(o);
        cluster.SetAction(parse =>
        {
            int samples = parse.GetValue(samplesOption), batch = parse.GetValue(batchOption), hosts = parse.GetValue(hostsOption);
            if (samples < batch) throw new ArgumentException($"--samples: {samples} is fewer than one batch ({batch})");
            int epochs = parse.GetValue(epochsOption);
            if (epochs < 2) throw new ArgumentException($"--epochs: {epochs} must be at least 2 (the first is a warm-up)");
            if (hosts < 1) throw new ArgumentException($"--hosts: {hosts} must be at least 1");
            var layers = parse.GetValue(layersOption)!.Split(',').Select(s => int.TryParse(s, out var v) && v > 0 ? v : throw new ArgumentException($"--layers: '{s}' is not a positive integer")).ToArray();
            if (layers.Length < 2) throw new ArgumentException("--layers: need the input size and at least one layer");
            var dataDir = MnistDir(parse);
            var placement = parse.GetValue(placementOption) switch
            {
                "contiguous" => PlacementKind.Contiguous,
                "round-robin" => PlacementKind.RoundRobin,
                var p => throw new ArgumentException($"--placement: '{p}' is not contiguous or round-robin"),
            };
            bool dataPlane = parse.GetValue(dataPlaneOption) switch
            {
                "on" => true,
                "off" => false,
                var d => throw new ArgumentException($"--data-plane: '{d}' is not on or off"),
            };
            var options = new ClusterBenchmarkOptions(layers, batch, samples, hosts, dataDir, WireSerializer.ParsePrecision(parse.GetValue(precisionOption)!),
                Placement: placement, DataPlane: dataPlane, Epochs: epochs);
            CheckResultPath(parse);
            var report = ClusterBenchmark.Run(options, StartHost, Say);
            Report(report, ClusterBenchmark.Format(report), parse, () => BenchmarkResults.Cluster(report,
                Options(parse, layersOption, batchOption, samplesOption, epochsOption, hostsOption, placementOption, precisionOption, dataPlaneOption), ResultRecorder.CommandLine()));
            return 0;
        });
        return cluster;
    }

    /// <summary>Starts <c>ffactors node --role layer-host</c> with this very executable.</summary>
    static Process StartHost(LayerHostLaunch host)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in (string[])["node", "--role", ClusterOptions.LayerHostRole, "--port", host.Port.ToString(), "--node-name", host.NodeName, "--seed-nodes", host.SeedNode,
                     "--set", $"cluster.maximum-frame-size={host.MaximumFrameSize}", "--set", $"cluster.wire-precision={WireConfig.Name(host.Precision)}",
                     "--set", $"cluster.data-plane.enabled={(host.DataPlane ? "on" : "off")}"])
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start a layer-host process");
        // Drain its output so it never blocks on a full pipe.
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary><c>ffactors bench inference</c>: the single pass of Hyperspherical FF, Distance-Forward and Mono-Forward vs 10-pass goodness scoring, same network size.</summary>
    static Command Inference()
    {
        var layersOption = new Option<string>("--layers") { Description = "Network size, input first (both networks)", DefaultValueFactory = _ => "784,1000,1000,1000" };
        var samplesOption = new Option<int>("--samples") { Description = "MNIST test samples classified per timing", DefaultValueFactory = _ => 10000 };
        var repeatsOption = new Option<int>("--repeats") { Description = "Timings per network; the medians are compared", DefaultValueFactory = _ => 5 };
        var inference = new Command("inference", "Inference time of Hyperspherical FF, Distance-Forward and Mono-Forward (one pass) vs label-scoring FF (10 passes) on the same network size");
        foreach (var o in new Option[] { layersOption, samplesOption, repeatsOption, DataOption, OutOption, ResultOption }) inference.Options.Add(o);
        inference.SetAction(parse =>
        {
            var layers = Network("--layers", parse.GetValue(layersOption)!);
            int samples = parse.GetValue(samplesOption);
            if (samples < 100 || samples > 10000) throw new ArgumentException($"--samples: {samples} must be in [100, 10000]");
            CheckResultPath(parse);
            double? loadBefore = CpuAccounting.LoadAverage();
            var report = InferenceBenchmark.Run(new InferenceBenchmarkOptions(layers, samples, parse.GetValue(repeatsOption), DataDir: MnistDir(parse)), Say);
            var load = loadBefore is { } b && CpuAccounting.LoadAverage() is { } a ? (b, a) : ((double, double)?)null;
            Report(report, InferenceBenchmark.Format(report), parse, () => BenchmarkResults.Inference(report,
                Options(parse, layersOption, samplesOption, repeatsOption), ResultRecorder.CommandLine(), load));
            return 0;
        });
        return inference;
    }

    /// <summary>"784,1000,1000": an MNIST network, input first.</summary>
    internal static int[] Network(string option, string text)
    {
        var layers = Integers(option, text);
        if (layers.Length < 2 || layers[0] != 784) throw new ArgumentException($"{option}: '{text}' must start with the MNIST input size 784 and have at least one layer");
        return layers;
    }

    internal static int[] Integers(string option, string text) => text.Split(',', StringSplitOptions.TrimEntries).Select(t => int.TryParse(t, out int v) && v > 0 ? v
        : throw new ArgumentException($"{option}: '{t}' in '{text}' is not a positive integer")).ToArray();
}
