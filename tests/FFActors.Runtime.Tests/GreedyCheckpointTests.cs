using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>The greedy schedule (in-process, GreedyRunner) checkpoints between epochs and resumes where an uninterrupted run would be.</summary>
public class GreedyCheckpointTests(ITestOutputHelper output)
{
    // 600 images in batches of 50: 12 batches per epoch; 2 layers × 2 epochs = schedule epochs 0–3.
    static FFConfig Config(bool augment)
    {
        var c = Mnist.Config(layers: [784, 64, 48], epochs: 2, batch: 50, train: 600, augment: augment ? new AugmentOptions(Shift: 2) : null);
        return c with { Train = c.Train with { Schedule = Schedule.Greedy } };
    }

    [Theory]
    // Stopped in the middle of schedule epoch 2 (layer 1's first): resumes from the checkpoint after epoch 1.
    [InlineData(29, 0, false, "e0002-b000000")]
    // Stopped right after epoch 1, with shifted images: the epoch-end checkpoint is the stop point.
    [InlineData(24, 0, true, "e0002-b000000")]
    // No epoch-end checkpoint is due yet (every 100 batches), so the stop between epochs writes one.
    [InlineData(24, 100, false, "e0002-b000000")]
    // Stopped in schedule epoch 1 with none due: nothing was saved, so the resume starts again from the beginning.
    [InlineData(17, 100, false, null)]
    public void A_stopped_greedy_run_resumed_from_its_checkpoint_ends_with_the_weights_of_an_uninterrupted_run(
        int stopAfterBatches, int every, bool augment, string? expected)
    {
        RuntimeSupport.OneThread();
        var config = Config(augment);
        using var data = Mnist.Load(config);
        var runtime = RuntimeSupport.Runtime(ExecutionMode.Sequential, every: every);

        var whole = GreedyRunner.Train(config, runtime, data, TempFolder.New(), false, new RecordingObserver(), CancellationToken.None);
        using var wholeNet = whole.Network;
        Assert.Equal(4, whole.Metrics.Count);

        var dir = TempFolder.New();
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver { AfterBatch = n => { if (n == stopAfterBatches) cancel.Cancel(); } };
        var stopped = GreedyRunner.Train(config, runtime, data, dir, false, observer, cancel.Token);
        stopped.Network.Dispose();
        Assert.False(stopped.Completed);
        Assert.Equal(stopAfterBatches / 12, stopped.Metrics.Count);
        var latestFile = Path.Combine(dir, "checkpoints", "latest");
        var latest = File.Exists(latestFile) ? File.ReadAllText(latestFile).Trim() : null;
        Assert.Equal(expected, latest);
        if (latest is not null)
            foreach (var f in new[] { "layer0.bin", "layer1.bin", "coordinator.bin" })
                Assert.True(File.Exists(Path.Combine(dir, "checkpoints", latest, f)), f);

        var resumed = GreedyRunner.Train(config, runtime, data, dir, true, new RecordingObserver(), CancellationToken.None);
        using var resumedNet = resumed.Network;
        output.WriteLine(string.Join("\n", resumed.Log));
        Assert.True(resumed.Completed);
        Assert.Contains(resumed.Log, l => l.Contains(latest is null ? "no checkpoint found" : $"resumed from checkpoint {latest} (layer 2, epoch 1)"));
        Weights.AssertSame(wholeNet, resumedNet, "resumed vs uninterrupted");
        Assert.Equal(4, resumed.Metrics.Count);
        for (int e = 0; e < 4; e++)
        {
            Assert.Equal(whole.Metrics[e].Phase, resumed.Metrics[e].Phase);
            Assert.Equal(whole.Metrics[e].Layers[0].Loss, resumed.Metrics[e].Layers[0].Loss, 12);
        }
    }

    [Fact]
    public void Resuming_a_finished_greedy_run_returns_its_network_without_training()
    {
        RuntimeSupport.OneThread();
        var config = Config(augment: false);
        using var data = Mnist.Load(config);
        var runtime = RuntimeSupport.Runtime(ExecutionMode.Sequential, every: 100);
        var dir = TempFolder.New();
        var first = GreedyRunner.Train(config, runtime, data, dir, false, new RecordingObserver(), CancellationToken.None);
        using var a = first.Network;
        Assert.Equal("e0004-b000000", File.ReadAllText(Path.Combine(dir, "checkpoints", "latest")).Trim());
        var observer = new RecordingObserver();
        var again = GreedyRunner.Train(config, runtime, data, dir, true, observer, CancellationToken.None);
        using var b = again.Network;
        Assert.True(again.Completed);
        Assert.Empty(observer.BatchSamples);
        Assert.Contains(again.Log, l => l.Contains("resumed from checkpoint e0004-b000000 (training finished)"));
        Assert.Equal(4, again.Metrics.Count);
        Weights.AssertSame(a, b, "reloaded");
    }

    [Fact]
    public void A_greedy_checkpoint_is_not_resumed_by_a_simultaneous_run_or_the_other_way_round()
    {
        RuntimeSupport.OneThread();
        var greedy = Config(augment: false);
        var simultaneous = greedy with { Train = greedy.Train with { Schedule = Schedule.Simultaneous } };
        using var data = Mnist.Load(greedy);
        var runtime = RuntimeSupport.Runtime(ExecutionMode.Sequential);
        var greedyRun = TempFolder.New();
        GreedyRunner.Train(greedy, runtime, data, greedyRun, false, new RecordingObserver(), CancellationToken.None).Network.Dispose();
        var simultaneousRun = TempFolder.New();
        PipelineRunner.Train(simultaneous, runtime, data, simultaneousRun, false, null, CancellationToken.None).Network.Dispose();
        string Latest(string run) => File.ReadAllText(Path.Combine(run, "checkpoints", "latest")).Trim();
        var (greedyLatest, simultaneousLatest) = (Latest(greedyRun), Latest(simultaneousRun));

        void Refused(Func<PipelineResult> resume, string what)
        {
            var e = Assert.Throws<ArgumentException>(() => resume());
            output.WriteLine($"{what}: {e.Message}");
            Assert.Contains("different configuration", e.Message);
        }
        Refused(() => PipelineRunner.Train(simultaneous, runtime, data, greedyRun, true, null, CancellationToken.None), "simultaneous from greedy");
        Refused(() => GreedyRunner.Train(greedy, runtime, data, simultaneousRun, true, new RecordingObserver(), CancellationToken.None), "greedy from simultaneous");
        // Greedy counts its epochs over the whole schedule, so the epochs per layer are part of what must match.
        Refused(() => GreedyRunner.Train(greedy with { Train = greedy.Train with { Epochs = 3 } }, runtime, data, greedyRun, true, new RecordingObserver(), CancellationToken.None),
            "greedy with other epochs per layer");
        // Refused before anything was written: each run still ends at its own checkpoint.
        Assert.Equal(greedyLatest, Latest(greedyRun));
        Assert.Equal(simultaneousLatest, Latest(simultaneousRun));
    }
}
