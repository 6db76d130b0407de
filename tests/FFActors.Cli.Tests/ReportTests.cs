using System.Globalization;
using System.Diagnostics;
using System.Text.Json;
using FFActors.Benchmarks;
using FFActors.Cli.Commands;
using FFActors.Cli.Experiments;
using FFActors.Cli.Jobs;
using FFActors.Cli.Output;
using FFActors.Cli.Report;

namespace FFActors.Cli.Tests;

/// <summary>Result files, <c>ffactors report</c> and the documentation it renders.</summary>
public class ReportTests
{
    /// <summary>The docs cannot drift from the data: every generated table equals what the committed result files render.</summary>
    [Fact]
    public void Docs_tables_match_the_committed_result_files()
    {
        var pages = DocsReport.Render(RepoPaths.Root);
        Assert.Contains(pages, p => p.RepoPath == "README.md");
        var stale = pages.Where(p => p.Stale).Select(p => p.RepoPath).ToList();
        Assert.True(stale.Count == 0, $"tables differ from results/ in {string.Join(", ", stale)}: run `ffactors report` and commit the pages");
    }

    static RunResults Figures(long seed, double goodness, double head, double train) => new(
        "mnist", seed, [784, 10, 10], "layers [784, 10, 10]", "simultaneous", "pipeline", 2, "wrong-label", false,
        "goodness-scoring+softmax-head", 1000, goodness, [1], head, [1], train, 1, train + 1, 500_000_000);

    const string Config = "# resolved\n  run : {\n    seed : 1\n    out-dir : runs\n    name : \"\"\n  }\n  train : {\n    epochs : 2\n  }\n";

    [Fact]
    public void Train_results_merge_seeds_of_one_configuration_and_refuse_another()
    {
        var path = Path.Combine(TempFolder.New(), "results", "main", "main.json");
        ResultRecorder.AddTrainRun(path, "tiny", Config, Figures(1, 0.90, 0.92, 10), "ffactors train --seed 1");
        ResultRecorder.AddTrainRun(path, "tiny", Config.Replace("seed : 1", "seed : 2").Replace("out-dir : runs", "out-dir : other"),
            Figures(2, 0.80, 0.94, 20), "ffactors train --seed 2");
        // Seed 1 again replaces its first figures.
        ResultRecorder.AddTrainRun(path, "tiny", Config, Figures(1, 0.70, 0.92, 30), "ffactors train --seed 1");

        var file = ResultFile.Read(path);
        Assert.Equal([1L, 2L], file.Seeds);
        Assert.Equal(2, file.Invocations.Count);
        Assert.All(file.Invocations, i => Assert.Equal(BuildInfo.Commit, i.Commit));
        Assert.Equal(Environment.ProcessorCount, file.Invocations[0].Machine.Cores);
        var g = file.Rows[0].Summary["goodness_accuracy"];
        Assert.Equal(2, g.N);
        Assert.Equal(0.75, g.Mean, 12);
        Assert.Equal(Math.Sqrt(0.005), g.Sd, 12);
        // The derived summary is written into the file too, for readers without the tool.
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(0.75, json.RootElement.GetProperty("rows")[0].GetProperty("summary").GetProperty("goodness_accuracy").GetProperty("mean").GetDouble(), 12);

        var e = Assert.Throws<IOException>(() =>
            ResultRecorder.AddTrainRun(path, "tiny", Config.Replace("epochs : 2", "epochs : 3"), Figures(3, 0.5, 0.5, 1), "ffactors train --seed 3"));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Train_refuses_a_result_file_of_another_configuration_before_it_trains()
    {
        var root = TempFolder.New();
        var path = Path.Combine(root, "other.json");
        ResultRecorder.AddTrainRun(path, "tiny", Config, Figures(1, 0.90, 0.92, 10), "ffactors train --seed 1");
        var before = File.ReadAllText(path);
        var outDir = Path.Combine(root, "runs");
        var e = Assert.Throws<IOException>(() => TrainCommand.Run(null,
            [$"data.dir={RepoPaths.Data}", "model.layers=[784, 20, 20]", "train.epochs=1", "data.train-limit=200", $"run.out-dir={outDir}"],
            output: new RunOutput(path, Json: false)));
        Assert.Contains("holds runs of another configuration", e.Message);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "no run folder is made for a run that cannot be recorded");
        Assert.Equal(before, File.ReadAllText(path));
    }

    /// <summary>A run that validates every epoch keeps its curve in the result file, and a region naming that file shows it.</summary>
    [Fact]
    public void A_validated_run_records_its_epoch_curve_and_the_report_shows_it()
    {
        var root = TempFolder.New();
        var path = Path.Combine(root, "results", "variants", "curve.json");
        Assert.Equal(0, TrainCommand.Run(null,
            [$"data.dir={RepoPaths.Data}", "model.layers=[784, 20, 20]", "train.epochs=3", "data.train-limit=600", "data.validation=200",
             "data.test-limit=200", "eval.head.epochs=1", "eval.diagnostics.samples=0", $"run.out-dir={Path.Combine(root, "runs")}"],
            output: new RunOutput(path, Json: false)));
        var seed = Assert.Single(ResultFile.Read(path).Rows[0].Seeds);
        var curve = seed.Curves![SeedFigures.ValidationCurve];
        Assert.Equal(3, curve.Count);
        Assert.All(curve, v => Assert.InRange(v, 0.0, 1.0));
        Assert.Equal(3, seed.Curves[SeedFigures.EpochSecondsCurve].Count);

        Directory.CreateDirectory(Path.Combine(root, "docs"));
        File.WriteAllText(Path.Combine(root, "docs", "one.md"), "<!-- report results/variants/curve.json -->\n<!-- /report -->\n");
        File.WriteAllText(Path.Combine(root, "docs", "all.md"), "<!-- report results/variants -->\n<!-- /report -->\n");
        Assert.Equal(0, ReportCommand.Run(root, check: false));
        var one = File.ReadAllText(Path.Combine(root, "docs", "one.md"));
        Assert.Contains($"| 3 | {(curve[2] * 100).ToString("F2", CultureInfo.InvariantCulture)} % |", one);
        Assert.Contains("](img/variants-curve-curve.png)", one);
        Assert.DoesNotContain("| epoch |", File.ReadAllText(Path.Combine(root, "docs", "all.md")));
        var png = File.ReadAllBytes(Path.Combine(root, "docs", "img", "variants-curve-curve.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));

        // Finished again by a resume from its epoch-2 checkpoint: recorded under the command that started the run,
        // with the whole curve (the epochs before the checkpoint come from it).
        var run = Directory.GetDirectories(Path.Combine(root, "runs")).Single();
        Assert.True(File.Exists(Path.Combine(run, RunFolder.CommandFile)));
        File.WriteAllText(Path.Combine(run, RunFolder.CommandFile), "ffactors train --config samples/x.conf\n");
        Directory.Delete(Path.Combine(run, "checkpoints", "e0003-b000000"), recursive: true);
        Assert.Equal(0, TrainCommand.Resume(run, null, [], output: new RunOutput(path, Json: false)));
        var resumed = ResultFile.Read(path);
        Assert.Equal("ffactors train --config samples/x.conf (resumed with ffactors train --resume)", Assert.Single(resumed.Invocations).Command);
        Assert.Equal(curve, Assert.Single(resumed.Rows[0].Seeds).Curves![SeedFigures.ValidationCurve]);
    }

    [Fact]
    public void Report_fills_regions_draws_charts_and_notices_an_edited_table()
    {
        var root = TempFolder.New();
        ResultRecorder.AddTrainRun(Path.Combine(root, "results", "main", "main.json"), "tiny net", Config, Figures(1, 0.9012, 0.9234, 12.3), "ffactors train");
        new ResultFile
        {
            Kind = ResultFile.ExperimentKind, Title = "negatives (quick profile)", Config = ["experiment { }"],
            Invocations = [new Invocation("ffactors experiment x.conf --quick", "1.0.0", "unknown", DateTime.UnixEpoch, MachineFacts.Current(), [1, 2])],
            Rows =
            [
                new ResultRow("negatives=wrong-label", ["train.negatives=wrong-label"],
                    [new SeedFigures(1, new Dictionary<string, double?> { ["goodness"] = 0.8, ["head"] = 0.9, ["seconds"] = 5 }),
                     new SeedFigures(2, new Dictionary<string, double?> { ["goodness"] = 0.6, ["head"] = 0.9, ["seconds"] = 7 })]),
                new ResultRow("negatives=hinton-hybrid", [], [new SeedFigures(1, new Dictionary<string, double?> { ["head"] = 0.85, ["seconds"] = 6 })]),
            ],
        }.Write(Path.Combine(root, "results", "experiments", "negatives-quick.json"));
        File.WriteAllText(Path.Combine(root, "README.md"), "# x\n\n<!-- report results/main -->\nold table\n<!-- /report -->\n\ntext after\n");
        Directory.CreateDirectory(Path.Combine(root, "docs"));
        File.WriteAllText(Path.Combine(root, "docs", "results.md"), "<!-- report results/experiments/negatives-quick.json -->\n<!-- /report -->\n");

        Assert.All(DocsReport.Render(root), p => Assert.True(p.Stale));
        Assert.Equal(0, ReportCommand.Run(root, check: false));
        Assert.Equal(0, ReportCommand.Run(root, check: true));

        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.DoesNotContain("old table", readme);
        Assert.Contains("| tiny net | 90.12 % | 92.34 % | 1 | 12 | 13 | 0.50 | `ffactors train` | [main.json](results/main/main.json) |", readme);
        Assert.EndsWith("<!-- /report -->\n\ntext after\n", readme);
        var docs = File.ReadAllText(Path.Combine(root, "docs", "results.md"));
        Assert.Contains("| negatives=wrong-label | 2 | 70.00 ± 14.14 % | 90.00 ± 0.00 % | 6 ± 1 |", docs);
        Assert.Contains("| negatives=hinton-hybrid | 1 | – | 85.00 % | 6 |", docs);
        Assert.Contains("](../results/experiments/negatives-quick.json)", docs);
        Assert.Contains("](img/experiments-negatives-quick.png)", docs);
        var png = File.ReadAllBytes(Path.Combine(root, "docs", "img", "experiments-negatives-quick.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));

        // A hand-edited number is drift: --check fails until the report is rendered again.
        File.WriteAllText(Path.Combine(root, "README.md"), readme.Replace("90.12 %", "91.12 %"));
        Assert.Equal(1, ReportCommand.Run(root, check: true));
        Assert.Equal(["README.md"], DocsReport.Render(root).Where(p => p.Stale).Select(p => p.RepoPath));
    }

    [Fact]
    public void A_grid_of_arms_becomes_a_heat_map_with_the_baseline_in_every_row()
    {
        static ResultRow Row(string name, double goodness, params string[] overrides) =>
            new(name, overrides, [new SeedFigures(1, new Dictionary<string, double?> { ["goodness"] = goodness, ["head"] = goodness + 0.01, ["seconds"] = 3 })]);
        const string scale = "train.collaboration.scale", mode = "train.collaboration.mode", exchange = "train.collaboration.exchange";
        var file = new ResultFile
        {
            Kind = ResultFile.ExperimentKind, Title = "collaboration (quick profile)", Config = ["experiment { }"],
            Invocations = [new Invocation("ffactors experiment c.conf --quick", "1.0.0", "unknown", DateTime.UnixEpoch, MachineFacts.Current(), [1])],
            Rows =
            [
                Row("s0", 0.80, $"{scale}=0"),
                Row("a", 0.81, $"{scale}=0.1", $"{mode}=all", $"{exchange}=exact"),
                Row("b", 0.82, $"{scale}=0.1", $"{mode}=next", $"{exchange}=exact"),
                Row("c", 0.83, $"{scale}=0.5", $"{mode}=all", $"{exchange}=exact"),
                // No figures (the arm-seed failed): its cell stays empty.
                new ResultRow("d", [$"{scale}=0.5", $"{mode}=next", $"{exchange}=exact"], []),
            ],
        };
        var grid = ExperimentCharts.ResultGrid(file)!;
        Assert.Equal(scale, grid.ColumnKey);
        Assert.Equal(["0", "0.1", "0.5"], grid.Columns);
        // exchange has one value in every arm: not an axis.
        Assert.Equal([mode], grid.RowKeys);
        Assert.Equal(["mode=all", "mode=next"], grid.Rows);
        var g = grid.Cells["goodness"];
        Assert.Equal([0.80, 0.81, 0.83, 0.80, 0.82], new[] { g[0, 0], g[0, 1], g[0, 2], g[1, 0], g[1, 1] });
        Assert.True(double.IsNaN(g[1, 2]));
        Assert.Equal(0.84, grid.Cells["head"][0, 2], 12);

        // The negatives experiment varies one key: no grid.
        Assert.Null(ExperimentCharts.ResultGrid(file with { Rows = [Row("x", 0.5, "train.negatives=wrong-label"), Row("y", 0.6, "train.negatives=hard-label")] }));

        var root = TempFolder.New();
        file.Write(Path.Combine(root, "results", "experiments", "collaboration-quick.json"));
        Directory.CreateDirectory(Path.Combine(root, "docs"));
        File.WriteAllText(Path.Combine(root, "docs", "variants.md"), "<!-- report results/experiments/collaboration-quick.json -->\n<!-- /report -->\n");
        Assert.Equal(0, ReportCommand.Run(root, check: false));
        Assert.Contains("](img/experiments-collaboration-quick-grid.png)", File.ReadAllText(Path.Combine(root, "docs", "variants.md")));
        var png = File.ReadAllBytes(Path.Combine(root, "docs", "img", "experiments-collaboration-quick-grid.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
    }

    [Fact]
    public void A_benchmark_report_becomes_a_result_file_and_a_table_of_its_headline_figures()
    {
        static ModeMeasurement Mode(string mode, double samplesPerSecond) => new(mode, 1, 1, samplesPerSecond, [0.5], [0.4], 0.1, 0.05);
        var row = PipelineBenchmarkRow.Of([784, 100], 100, 1000, 2, 150, [Mode("sequential-1", 100), Mode("sequential-2", 160), Mode("pipeline", 180), Mode("pipeline-unshared", 170)],
            [1], [2], 400, referenceLoop: 90);
        var report = new PipelineBenchmarkReport(2, 48, 25, [row], 10, (0.5, 1.5), 49, "vendor dispatch");
        var root = TempFolder.New();
        var path = Path.Combine(root, "results", "benchmarks", "pipeline.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        BenchmarkResults.Pipeline(report, ["--samples 1000"], "ffactors bench pipeline --samples 1000").Write(path);

        var file = ResultFile.Read(path);
        Assert.Equal(ResultFile.BenchmarkKind, file.Kind);
        Assert.Equal(48, file.Invocations[0].Machine.MatmulGflops);
        Assert.Contains("load average 0.50 before and 1.50 after", file.Note);
        Assert.Equal(2.0, file.Rows[0].Summary["vs_reference"].Mean, 12);

        File.WriteAllText(Path.Combine(root, "README.md"), "<!-- report results/benchmarks -->\n<!-- /report -->\n");
        Assert.Equal(0, ReportCommand.Run(root, check: false));
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.Contains("| bench pipeline | reference loop | core loop, 1 thread | sequential, 1 thread | sequential, all cores | pipeline |", readme);
        // 180 samples/s against a bound of 1 GFLOP/s / (8 · 78 400 FLOPs) = 1 594 samples/s: 11 % of it.
        Assert.Contains("| [784, 100] batch 100 | 90 | 150 | 100 | 160 | 180 | 1.80 | 2.00 | 1 | 11 % |", readme);
        Assert.Contains("Command: `ffactors bench pipeline --samples 1000`; result file [results/benchmarks/pipeline.json](results/benchmarks/pipeline.json).", readme);
        Assert.Contains("Matmul rate at the start: 48 GFLOP/s.", readme);
    }

    [Fact]
    public void A_comparison_table_puts_quoted_figures_beside_the_named_arms_of_result_files()
    {
        var root = TempFolder.New();
        new ResultFile
        {
            Kind = ResultFile.ExperimentKind, Title = "negatives", Config = ["experiment { }"],
            Invocations = [new Invocation("ffactors experiment n.conf --result results/experiments/n.json", "1.0.0", "unknown", DateTime.UnixEpoch, MachineFacts.Current(), [1, 2])],
            Rows =
            [
                new ResultRow("negatives=masked", [],
                    [new SeedFigures(1, new Dictionary<string, double?> { ["goodness"] = 0.5, ["head"] = 0.9 }),
                     new SeedFigures(2, new Dictionary<string, double?> { ["goodness"] = 0.7, ["head"] = 0.9 })]),
            ],
        }.Write(Path.Combine(root, "results", "experiments", "n.json"));
        Directory.CreateDirectory(Path.Combine(root, "docs", "comparisons"));
        File.WriteAllText(Path.Combine(root, "docs", "comparisons", "seed.json"), """
            { "tables": { "negatives": [
              { "row": "masked", "seed": "30.97 %", "result": "results/experiments/n.json", "arm": "negatives=masked", "figure": "goodness",
                "label": "goodness", "protocol": "p", "why": "w" },
              { "row": "adversarial", "seed": "–", "result": "results/experiments/later.json", "arm": "x", "figure": "goodness", "protocol": "p2", "why": "w2" } ] } }
            """);
        File.WriteAllText(Path.Combine(root, "docs", "seed.md"), "<!-- report docs/comparisons/seed.json#negatives -->\n<!-- /report -->\n");

        Assert.Equal(0, ReportCommand.Run(root, check: false));
        var page = File.ReadAllText(Path.Combine(root, "docs", "seed.md"));
        Assert.Contains("| masked | 30.97 % | goodness: 60.00 ± 14.14 % (n = 2) | p | w | `ffactors experiment n.conf --result results/experiments/n.json` ([n.json](../results/experiments/n.json)) |", page);
        Assert.Contains("| adversarial | – | not measured | p2 | w2 | – |", page);
        Assert.Equal(0, ReportCommand.Run(root, check: true));

        // A row naming an arm its result file does not have is an error naming both.
        File.WriteAllText(Path.Combine(root, "docs", "comparisons", "seed.json"), """
            { "tables": { "negatives": [ { "row": "m", "seed": "1 %", "result": "results/experiments/n.json", "arm": "nope", "figure": "goodness", "protocol": "p", "why": "w" } ] } }
            """);
        var e = Assert.Throws<IOException>(() => DocsReport.Render(root));
        Assert.Contains("nope", e.Message);
        Assert.Contains("negatives=masked", e.Message);
    }

    [Fact]
    public void A_region_naming_a_missing_result_is_an_error_naming_it()
    {
        var root = TempFolder.New();
        Directory.CreateDirectory(Path.Combine(root, "results"));
        File.WriteAllText(Path.Combine(root, "README.md"), "<!-- report results/nothing -->\n<!-- /report -->\n");
        var e = Assert.Throws<IOException>(() => DocsReport.Render(root));
        Assert.Contains("results/nothing", e.Message);
    }

    [Fact]
    public void The_version_names_the_commit_of_its_informational_version()
    {
        Assert.Equal("c9c4c944770286ed24f5acd48bcf5175e24e5c54", BuildInfo.CommitOf("1.0.0+c9c4c944770286ed24f5acd48bcf5175e24e5c54"));
        Assert.Equal("unknown", BuildInfo.CommitOf("1.0.0"));
        Assert.Equal("unknown", BuildInfo.CommitOf("1.0.0+local"));
    }

    /// <summary>Built inside a git checkout (a clone or a worktree), the build stamps the commit checked out at build time.</summary>
    [GitCheckoutFact]
    public void A_build_in_a_git_checkout_names_a_commit_of_that_repository()
    {
        Assert.Matches("^[0-9a-f]{40}$", BuildInfo.Commit);
        var git = Process.Start(new ProcessStartInfo("git", ["-C", RepoPaths.Root, "cat-file", "-t", BuildInfo.Commit]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        Assert.Equal("commit", git.StandardOutput.ReadToEnd().Trim());
        git.WaitForExit();
    }

    /// <summary>
    /// The real executable with --json: stdout is one JSON object (the tables went to stderr), and
    /// the end-of-run tables fit 80 columns although the output is not a terminal.
    /// </summary>
    [Fact]
    public async Task Json_prints_one_object_and_tables_fit_a_pipe()
    {
        var outDir = TempFolder.New();
        var psi = FfactorsProcess.Command("train", "--set", $"data.dir={RepoPaths.Data}",
            "--set", "data.train-limit=2000", "--set", "data.test-limit=300", "--set", "model.layers=[784,64,64,64]",
            "--set", "train.epochs=2", "--set", "eval.head.epochs=1", "--set", "run.name=json", "--out", outDir, "--json");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var errors = await stderr;
        Assert.True(p.ExitCode == 0, errors);

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        using var json = JsonDocument.Parse(lines[0]);
        Assert.Equal(Path.Combine(outDir, "json"), json.RootElement.GetProperty("run").GetString());
        Assert.Equal(BuildInfo.Commit, json.RootElement.GetProperty("commit").GetString());
        var results = json.RootElement.GetProperty("results");
        Assert.InRange(results.GetProperty("head_accuracy").GetDouble(), 0.0, 1.0);
        Assert.Equal([784, 64, 64, 64], results.GetProperty("layers").EnumerateArray().Select(e => e.GetInt32()));

        var tables = errors.Split('\n').Where(l => l.Length > 0 && "╭│├╰".Contains(l[0])).ToList();
        Assert.NotEmpty(tables);
        Assert.All(tables, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        // One row per layer under each epoch: 2 epochs × 3 layers of data rows in the training table.
        Assert.Equal(6, tables.Count(l => l.StartsWith('│') && l.Contains('%') && !l.Contains("goodness scoring") && !l.Contains("softmax head")));
    }
}
