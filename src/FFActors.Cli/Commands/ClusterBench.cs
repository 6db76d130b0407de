using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using FFActors.Runtime.Benchmark;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Serialization;
using Spectre.Console;

namespace FFActors.Cli.Commands;

/// <summary><c>ffactors bench cluster</c>: serializer throughput, per-hop latency, and a pipeline over layer-host processes on loopback vs the local pipeline.</summary>
static class ClusterBench
{
    static readonly Option<int> SamplesOption = new("--samples") { Description = "MNIST training samples per epoch", DefaultValueFactory = _ => 10000 };
    static readonly Option<int> EpochsOption = new("--epochs") { Description = "Epochs per pipeline; the first warms up, the others are timed (median)", DefaultValueFactory = _ => 3 };
    static readonly Option<int> BatchOption = new("--batch") { Description = "Batch size", DefaultValueFactory = _ => 500 };
    static readonly Option<int> HostsOption = new("--hosts") { Description = "Layer-host processes", DefaultValueFactory = _ => 2 };
    static readonly Option<string> LayersOption = new("--layers") { Description = "Layer sizes, input first", DefaultValueFactory = _ => "784,1000,1000,1000" };
    static readonly Option<string> PlacementOption = new("--placement") { Description = "Layers over hosts: contiguous | round-robin", DefaultValueFactory = _ => "contiguous" };
    static readonly Option<string> DataPlaneOption = new("--data-plane") { Description = "Activations between processes: on (the data plane) | off (Akka.Remote only)", DefaultValueFactory = _ => "on" };
    static readonly Option<string> PrecisionOption = new("--precision") { Description = "Activation wire precision: float32 | float16 | bfloat16", DefaultValueFactory = _ => "float32" };

    public static Command Create(Option<string> dataOption, Option<string?> jsonOption)
    {
        var cluster = new Command("cluster", "Serializer GB/s, per-hop latency, and samples/s of a pipeline over layer-host processes vs the local pipeline (loopback)");
        foreach (var o in new Option[] { SamplesOption, EpochsOption, BatchOption, HostsOption, LayersOption, PlacementOption, PrecisionOption, DataPlaneOption, dataOption, jsonOption }) cluster.Options.Add(o);
        cluster.SetAction(parse =>
        {
            int samples = parse.GetValue(SamplesOption), batch = parse.GetValue(BatchOption), hosts = parse.GetValue(HostsOption);
            if (samples < batch) throw new ArgumentException($"--samples: {samples} is fewer than one batch ({batch})");
            int epochs = parse.GetValue(EpochsOption);
            if (epochs < 2) throw new ArgumentException($"--epochs: {epochs} must be at least 2 (the first is a warm-up)");
            if (hosts < 1) throw new ArgumentException($"--hosts: {hosts} must be at least 1");
            var layers = parse.GetValue(LayersOption)!.Split(',').Select(s => int.TryParse(s, out var v) && v > 0 ? v : throw new ArgumentException($"--layers: '{s}' is not a positive integer")).ToArray();
            if (layers.Length < 2) throw new ArgumentException("--layers: need the input size and at least one layer");
            var dataDir = parse.GetValue(dataOption)!;
            if (!Directory.Exists(Path.Combine(dataDir, "mnist"))) throw new DirectoryNotFoundException($"{Path.Combine(dataDir, "mnist")}: MNIST folder not found (--data)");
            var placement = parse.GetValue(PlacementOption) switch
            {
                "contiguous" => PlacementKind.Contiguous,
                "round-robin" => PlacementKind.RoundRobin,
                var p => throw new ArgumentException($"--placement: '{p}' is not contiguous or round-robin"),
            };
            bool dataPlane = parse.GetValue(DataPlaneOption) switch
            {
                "on" => true,
                "off" => false,
                var d => throw new ArgumentException($"--data-plane: '{d}' is not on or off"),
            };
            var options = new ClusterBenchmarkOptions(layers, batch, samples, hosts, dataDir, WireSerializer.ParsePrecision(parse.GetValue(PrecisionOption)!),
                Placement: placement, DataPlane: dataPlane, Epochs: epochs);
            var report = ClusterBenchmark.Run(options, StartHost, line => AnsiConsole.MarkupLine("[grey]" + Markup.Escape(line) + "[/]"));
            Console.WriteLine(ClusterBenchmark.Format(report));
            if (parse.GetValue(jsonOption) is { } json)
                Output.AtomicFile.WriteText(json, System.Text.Json.JsonSerializer.Serialize(report, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        return cluster;
    }

    /// <summary>Starts <c>ffactors node --role layer-host</c> with this very executable.</summary>
    static Process StartHost(IReadOnlyList<string> args)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in (string[])["node", "--role", "layer-host", .. args]) psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start a layer-host process");
        // Drain its output so it never blocks on a full pipe.
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }
}
