using FFActors.Benchmarks;
using FFActors.Cli.Commands;
using FFActors.Cli.Report;

namespace FFActors.Cli.Tests;

/// <summary><c>ffactors bench compute</c>: its result file and table, and the quick profile on real MNIST.</summary>
public class ComputeBenchTests
{
    static ComputePoint Point(double epoch, int trainSamples, double flopsPerSample, double accuracy, double seconds)
    {
        long samples = (long)(epoch * trainSamples);
        return new ComputePoint(epoch, samples, seconds, samples * flopsPerSample, accuracy, [seconds]);
    }

    [Fact]
    public void A_report_becomes_a_result_file_whose_table_gives_each_crossing_the_ratios_and_the_targets_never_reached()
    {
        int[] layers = [784, 100];
        double ff = ComputeAccounting.FFTrainFlopsPerSample(layers), bp = ComputeAccounting.BackpropTrainFlopsPerSample(layers, 10);
        var ffRun = new ComputeRun("FF", layers, ff, ComputeAccounting.FFEvalFlopsPerSample(layers, 10, 0),
            [Point(1, 1000, ff, 0.90, 10), Point(2, 1000, ff, 0.97, 20), Point(3, 1000, ff, 0.975, 30)], 5);
        var bpRun = new ComputeRun("backprop", [784, 100, 10], bp, ComputeAccounting.BackpropEvalFlopsPerSample(layers, 10),
            [Point(0.5, 1000, bp, 0.97, 4), Point(1, 1000, bp, 0.981, 8)], 1);
        var crossings = new[] { 0.97, 0.98 }.Select(t => new ComputeCrossing(t, ComputeAccounting.FirstReaching(ffRun.Curve, t), ComputeAccounting.FirstReaching(bpRun.Curve, t))).ToList();
        var report = new ComputeBenchmarkReport(layers, 1000, 100, 1, 1, ffRun, bpRun, crossings, 1.0, 2.0);

        var root = TempFolder.New();
        var path = Path.Combine(root, "results", "benchmarks", "compute.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ComputeResults.Of(report, ["--targets 0.97,0.98"], "ffactors bench compute").Write(path);
        var file = ResultFile.Read(path);
        Assert.Equal(ComputeResults.Title, file.Title);
        Assert.Equal(2000, file.Rows[0].Summary["samples_to_97"].Mean);
        Assert.Equal(0, file.Rows[0].Summary["samples_to_98"].N);
        // FF: 2000 samples in 20 s; backprop 500 samples in 4 s.
        Assert.Equal(4, file.Rows[2].Summary["samples_ratio_97"].Mean, 12);
        Assert.Equal(5, file.Rows[2].Summary["seconds_ratio_97"].Mean, 12);
        Assert.Equal(4 * ff / bp, file.Rows[2].Summary["flops_ratio_97"].Mean, 12);

        File.WriteAllText(Path.Combine(root, "README.md"), "<!-- report results/benchmarks/compute.json -->\n<!-- /report -->\n");
        Assert.Equal(0, ReportCommand.Run(root, check: false));
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.Contains("| to 97 %: training s | to 97 %: samples | to 97 %: TFLOP | to 98 %: training s |", readme);
        Assert.Contains("| FF | 97.50 % | 3 | 0.63 | 1.57 | 20 | 2000 | 0.0 | not reached | not reached | not reached |", readme);
        Assert.Contains("| FF / backprop |  |  |  |  | 5.00× | 4.00× |", readme);
        Assert.Contains("| backprop after epoch 0.5 | 0.5 | 97.00 % | 4 | 500 | 0.00 |", readme);
        Assert.Contains("load average 1.00 before and 2.00 after", readme);
    }

    /// <summary>The quick profile end to end: counts follow from the samples, and both networks beat chance (10 %) on the MNIST test images.</summary>
    [Fact]
    public void The_quick_profile_writes_curves_whose_counts_follow_from_the_samples_processed()
    {
        var path = Path.Combine(TempFolder.New(), "compute.json");
        var (code, _, err) = FfactorsProcess.Run(FfactorsProcess.Command("bench", "compute", "--quick", "--set", $"data.dir={RepoPaths.Data}", "--result", path),
            TimeSpan.FromSeconds(600));
        Assert.True(code == 0, err);
        var file = ResultFile.Read(path);
        double ffPerSample = ComputeAccounting.FFTrainFlopsPerSample([784, 300, 300, 300]);
        var ffCurve = file.Rows.Where(r => r.Name.StartsWith("FF after epoch", StringComparison.Ordinal)).Select(r => r.Summary).ToList();
        Assert.Equal(4, ffCurve.Count);
        foreach (var p in ffCurve)
        {
            Assert.Equal(10000 * p["epoch"].Mean, p["samples"].Mean);
            Assert.Equal(p["samples"].Mean * ffPerSample, p["train_flops"].Mean, 1e-9 * p["train_flops"].Mean);
        }
        Assert.True(ffCurve[^1]["test_accuracy"].Mean > 0.3, $"FF after 4 quick epochs: {ffCurve[^1]["test_accuracy"].Mean}");
        var bpCurve = file.Rows.Where(r => r.Name.StartsWith("backprop after epoch", StringComparison.Ordinal)).Select(r => r.Summary).ToList();
        Assert.True(bpCurve[^1]["test_accuracy"].Mean > 0.8, $"backprop after one quick epoch: {bpCurve[^1]["test_accuracy"].Mean}");
        Assert.Equal(ComputeAccounting.BackpropTrainFlopsPerSample([784, 300, 300, 300], 10), file.Rows[1].Summary["train_flops_per_sample"].Mean);
        Assert.Contains(file.Config, l => l.Contains("train-limit : 10000", StringComparison.Ordinal));
    }
}
