using FFActors.Cli.Commands;
using FFActors.Cli.Jobs;
using FFActors.Cli.Report;

namespace FFActors.Cli.Tests;

/// <summary>The model comparison (<c>&lt;!-- report comparison --&gt;</c>): figures only from the result files that exist, the rest empty and named.</summary>
public class ComparisonTests
{
    static RunResults Figures(double goodness, double train) => new(
        "mnist", 1, [784, 10, 10], "layers [784, 10, 10]", "simultaneous", "pipeline", 2, "wrong-label", false,
        "goodness-scoring+softmax-head", 1000, goodness, [1], goodness, [1], train, 1, train + 1, 500_000_000);

    static SeedFigures Arm(double goodness, double seconds) => new(1, new Dictionary<string, double?> { ["goodness"] = goodness, ["train_seconds"] = seconds });

    [Fact]
    public void The_table_takes_each_figure_from_its_result_file_leaves_the_others_empty_and_names_their_command()
    {
        var root = TempFolder.New();
        ResultRecorder.AddTrainRun(Path.Combine(root, "results", "variants", "dendritic", "dendritic.json"), "tiny dendritic", "  run : {\n    seed : 1\n  }\n", Figures(0.9, 10), "ffactors train");
        var threeFactor = Path.Combine(root, "results", "experiments", "three-factor.json");
        Directory.CreateDirectory(Path.GetDirectoryName(threeFactor)!);
        new ResultFile
        {
            Kind = ResultFile.ExperimentKind, Title = "three-factor", Config = ["# x"],
            Invocations = [new Invocation("ffactors experiment three-factor.conf", "1", "unknown", DateTime.UnixEpoch, MachineFacts.Current(), [1])],
            // The unmodulated arm and the seed's collapsed one are not candidates for "best modulation", however they score.
            Rows = [new("none", [], [Arm(0.99, 1)]), new("top-down", [], [Arm(0.93, 20)]), new("layer-agreement", [], [Arm(0.95, 30)]),
                new("seed-reward-prediction", [], [Arm(0.98, 2)])],
        }.Write(threeFactor);
        File.WriteAllText(Path.Combine(root, "README.md"), "x\n");
        Directory.CreateDirectory(Path.Combine(root, "docs"));
        File.WriteAllText(Path.Combine(root, "docs", "comparison.md"), "<!-- report comparison -->\n<!-- /report -->\n");

        Assert.Equal(0, ReportCommand.Run(root, check: false));
        var page = File.ReadAllText(Path.Combine(root, "docs", "comparison.md"));
        Assert.Contains("| Dendritic FF | 90.00 % |  | 10 |  |  |  |", page);
        Assert.Contains("| Standard FF |  |  |  |  |  | 94.50 % / 54.19 % |", page);
        Assert.Contains("| Three-factor FF (best modulation) | 95.00 % |  | 30 |", page);
        Assert.Contains("three-factor, row `layer-agreement` ([results/experiments/three-factor.json](../results/experiments/three-factor.json))", page);
        Assert.Contains("| CwC-FF |  |  |  |", page);
        Assert.Contains("- CwC-FF, MNIST accuracy: `ffactors train --config samples/mnist-cwc.conf --result results/variants/cwc.json`", page);
        Assert.Contains("- Backprop MLP, MNIST accuracy: `ffactors bench compute --result results/benchmarks/compute.json`", page);
        Assert.Contains("- Standard FF, training time: `ffactors bench compute --result results/benchmarks/compute.json`", page);
        Assert.Contains("- Empty transfer cells:", page);
        var png = File.ReadAllBytes(Path.Combine(root, Comparison.ChartPath));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        Assert.Equal(0, ReportCommand.Run(root, check: true));
    }
}
