using System.Diagnostics;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>A short real-data CwC-FF run through the pipeline actors.</summary>
public class CwcMnistTests(ITestOutputHelper output)
{
    [Fact]
    public void A_short_cwc_run_through_the_pipeline_learns_to_score_mnist_labels()
    {
        // Three blocks (the paper's first three, narrower), three epochs of 24 000 MNIST images, batch 25; a 5-epoch head.
        var config = new FFConfig(new RunOptions(Seed: 1),
            new DataOptions(Dir: RepoPaths.Data, TrainLimit: 24000, TestLimit: 2000),
            new ModelOptions([784, 10], LayerKind: new CwcKind(new CwcOptions([1, 28, 28], [20, 80, 160], Loss: CwcLoss.CwcCe, HeadPool: 0))),
            new TrainOptions(Schedule.Simultaneous, 3, 25, Optimizer: new OptimizerOptions(LearningRate: 0.03, Schedule: LrSchedule.Constant)),
            new EvalOptions(ScoreLayers: [2], HeadLayers: [2], HeadEpochs: 5, BatchSize: 500, ValidateEachEpoch: false));
        using var data = Mnist.Load(config);
        var sw = Stopwatch.StartNew();
        var result = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null,
            CancellationToken.None, evaluate: true);
        using var net = result.Network;
        var e = result.Evaluation ?? throw new Xunit.Sdk.XunitException("no evaluation");
        // The baseline: the same seed's untrained blocks scored the same way.
        RuntimeSupport.OneThread();
        using var untrained = new FFNetwork(config, TorchSharp.torch.CPU);
        double chance = GoodnessScorer.Accuracy(untrained, data.Test, new LabelOverlay(config.Model.LabelValue), config.Eval.ScoreLayersFor(untrained.Layers.Count), 500);
        output.WriteLine($"CwC [20,80,160], 3 epochs of 24000: GA {e.GoodnessAccuracy:P2} (untrained {chance:P2}), SF {e.HeadAccuracy:P2} on 2000 test images; {sw.Elapsed.TotalSeconds:F1} s");
        Assert.True(chance < GoodnessBar - 0.5, $"untrained GA {chance:P2}");
        Assert.True(e.GoodnessAccuracy > GoodnessBar, $"GA {e.GoodnessAccuracy:P2}");
        Assert.True(e.HeadAccuracy > SoftmaxHeadSanity, $"SF {e.HeadAccuracy:P2}");
    }

    // With oneMKL's vendor kernels (the library default) and seed 1 on these 2 000 test images, 3 epochs gave GA 96.80 %,
    // and SF 94.80 % with a 5-epoch head, 98.20 % with a 10-epoch one (2 epochs: GA 95.90 %). Learning is shown by GA: the untrained blocks
    // score 10.75 %, and the bar sits 3.8 points below the measured figure (9 binomial standard deviations), out of reach
    // of another machine's float rounding. SF is no evidence of learning at this budget: the 10-epoch head on the untrained
    // blocks (random convolutions) measured 96.80 %, 1.4 points under the trained ones, too close for a floor that would
    // not be flaky; it is held only to a floor that a broken head path (features lost, labels mixed) cannot reach.
    const double SoftmaxHeadSanity = 0.9;
    const double GoodnessBar = 0.93;
}
