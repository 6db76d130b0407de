using System.Text.Json;
using FFActors.Cli.Commands;
using FFActors.Cli.Experiments;
using FFActors.Cli.Jobs;

namespace FFActors.Cli.Tests;

/// <summary>
/// The shipped samples end at an accuracy that shows learning. In a dense FF network trained with labelled
/// negatives, the layers above the first score the true label lower than the wrong ones during their first few
/// hundred batches, so a run much shorter than that reads below chance by goodness scoring (3 epochs of 5 000
/// MNIST images: 3.8 %).
/// </summary>
public class ShippedSampleTests
{
    /// <summary>MNIST's training set, the size a data.train-limit of 0 means.</summary>
    const int MnistTrain = 60000;

    [Fact]
    public void The_cluster_sample_trained_locally_scores_far_above_chance()
    {
        var outDir = TempFolder.New();
        var config = Path.Combine(RepoPaths.Root, "samples", "cluster", "small.conf");
        Assert.Equal(0, TrainCommand.Run(config, [$"data.dir={RepoPaths.Data}", $"run.out-dir={outDir}", "run.name=small", "runtime.checkpoints=false"]));
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "small", "results.json")));
        // The file says "about 91 %" (91.68 % on the 10 000 test images with seed 1); chance is 10 %.
        Assert.InRange(results.RootElement.GetProperty("goodness_accuracy").GetDouble(), 0.85, 1.0);
    }

    [Theory]
    [InlineData("negatives.conf")]
    [InlineData("collaboration.conf")]
    [InlineData("free-riding.conf")]
    [InlineData("negative-generator.conf")]
    public void Every_train_arm_of_a_shipped_quick_profile_gets_enough_batches_to_score_above_chance(string file)
    {
        var spec = ExperimentLoader.Load(Path.Combine(RepoPaths.Root, "samples", "experiments", file), quick: true);
        Assert.Contains(spec.Arms, a => a.IsTrain);
        foreach (var arm in spec.Arms.Where(a => a.IsTrain))
        {
            var c = ArmConfig.Bind(spec, arm, spec.Seeds[0]).Config;
            int samples = (c.Data.TrainLimit > 0 ? Math.Min(c.Data.TrainLimit, MnistTrain) : MnistTrain) - c.Data.Validation;
            long batches = (long)Math.Ceiling(samples / (double)c.Train.BatchSize) * c.Train.Epochs;
            Assert.True(batches >= 500, $"{file} --quick, arm {arm.Name}: {batches} batches");
        }
    }

    [Fact]
    public void The_peak_resident_set_covers_memory_the_process_has_touched()
    {
        long before = PeakResidentSet.Bytes();
        var block = new byte[256 << 20];
        // Touch every page, so the pages are resident and not only reserved.
        for (int i = 0; i < block.Length; i += 4096) block[i] = 1;
        long after = PeakResidentSet.Bytes();
        GC.KeepAlive(block);
        Assert.True(after >= block.Length, $"peak {after} bytes after touching {block.Length}");
        Assert.True(after >= before);
        Assert.True(after >= Environment.WorkingSet * 0.99, $"peak {after} below the current working set {Environment.WorkingSet}");
    }
}
