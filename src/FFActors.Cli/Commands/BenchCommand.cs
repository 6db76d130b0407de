using System.CommandLine;
using FFActors.Runtime;
using FFActors.Runtime.Benchmark;
using Spectre.Console;

namespace FFActors.Cli.Commands;

/// <summary><c>ffactors bench pipeline</c>: sequential vs pipeline throughput measured in one run on this machine.</summary>
public static class BenchCommand
{
    static readonly Option<int> SamplesOption = new("--samples") { Description = "MNIST training samples per timed epoch", DefaultValueFactory = _ => 20000 };
    static readonly Option<string> DataOption = new("--data") { Description = "Folder with mnist/ in it", DefaultValueFactory = _ => "samples/data" };
    static readonly Option<string?> OutOption = new("--json") { Description = "Also write the report as JSON to this file" };

    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks (ratios measured in one run on this machine)");
        var pipeline = new Command("pipeline", "Samples/s of sequential (1 thread, all cores) vs pipeline mode, speedup, efficiency, GEMM bound");
        pipeline.Options.Add(SamplesOption);
        pipeline.Options.Add(DataOption);
        pipeline.Options.Add(OutOption);
        pipeline.SetAction(parse =>
        {
            int samples = parse.GetValue(SamplesOption);
            if (samples < 1000) throw new ArgumentException($"--samples: {samples} is too few (at least 1000)");
            var dataDir = parse.GetValue(DataOption)!;
            if (!Directory.Exists(Path.Combine(dataDir, "mnist"))) throw new DirectoryNotFoundException($"{Path.Combine(dataDir, "mnist")}: MNIST folder not found (--data)");
            var report = PipelineBenchmark.Run(new PipelineBenchmarkOptions(Samples: samples, DataDir: dataDir),
                line => AnsiConsole.MarkupLine("[grey]" + Markup.Escape(line) + "[/]"));
            Console.WriteLine(PipelineBenchmark.Format(report));
            if (parse.GetValue(OutOption) is { } json)
                Output.AtomicFile.WriteText(json, System.Text.Json.JsonSerializer.Serialize(report, new System.Text.Json.JsonSerializerOptions { WriteIndented = true, IncludeFields = true }));
            return 0;
        });
        bench.Subcommands.Add(pipeline);
        bench.Subcommands.Add(ClusterBench.Create(DataOption, OutOption));
        return bench;
    }
}
