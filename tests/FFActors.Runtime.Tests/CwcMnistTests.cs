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
    public void A_short_cwc_run_through_the_pipeline_learns_mnist()
    {
        // Three blocks (the paper's first three, narrower), three epochs of 24 000 MNIST images, batch 25; a 10-epoch head.
        var config = new FFConfig(new RunOptions(Seed: 1),
            new DataOptions(Dir: RepoPaths.Data, TrainLimit: 24000, TestLimit: 2000),
            new ModelOptions([784, 10], LayerKind: new CwcKind(new CwcOptions([1, 28, 28], [20, 80, 160], Loss: CwcLoss.CwcCe, HeadPool: 0))),
            new TrainOptions(Schedule.Simultaneous, 3, 25, Optimizer: new OptimizerOptions(LearningRate: 0.03, Schedule: LrSchedule.Constant)),
            new EvalOptions(ScoreLayers: [2], HeadLayers: [2], HeadEpochs: 10, BatchSize: 500, ValidateEachEpoch: false));
        using var data = Mnist.Load(config);
        var sw = Stopwatch.StartNew();
        var result = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null,
            CancellationToken.None, evaluate: true);
        using var net = result.Network;
        var e = result.Evaluation ?? throw new Xunit.Sdk.XunitException("no evaluation");
        double trainSeconds = sw.Elapsed.TotalSeconds;
        // The baseline: the same seed's untrained blocks under the same readouts (random convolutions are good features).
        RuntimeSupport.OneThread();
        using var untrained = new FFNetwork(config, TorchSharp.torch.CPU);
        var baseline = Evaluator.Evaluate(untrained, data.Train, data.Test, new LabelOverlay(config.Model.LabelValue), config.Eval, config.Run.Seed);
        output.WriteLine($"CwC [20,80,160], 3 epochs of 24000: GA {e.GoodnessAccuracy:P2}, SF {e.HeadAccuracy:P2} on 2000 test images ({trainSeconds:F1} s); " +
            $"untrained: GA {baseline.GoodnessAccuracy:P2}, SF {baseline.HeadAccuracy:P2} ({sw.Elapsed.TotalSeconds - trainSeconds:F1} s)");
        Assert.True(e.HeadAccuracy > SoftmaxHeadBar, $"SF {e.HeadAccuracy:P2}");
        Assert.True(e.GoodnessAccuracy > GoodnessBar, $"GA {e.GoodnessAccuracy:P2}");
        Assert.True(baseline.HeadAccuracy < SoftmaxHeadBar - 0.02, $"untrained SF {baseline.HeadAccuracy:P2}: the bar does not show learning");
        Assert.True(baseline.GoodnessAccuracy < Chance.Bound(10, 2000), $"untrained GA {baseline.GoodnessAccuracy:P2}");
    }

    // With oneMKL's vendor kernels (the library default) and seed 1 on these 2 000 test images, 3 epochs and a 10-epoch
    // head gave SF 98.20 % and GA 96.80 % (2 epochs: SF 96.80 %, GA 95.90 %). The bars sit 2.2 and 3.8 points below
    // (7 and 9 binomial standard deviations), so that another machine's float rounding, which changes the whole
    // trajectory much as another seed would, does not fail them; the test measures the untrained network under the same
    // readouts and requires the SF bar to stand 2 points above it.
    const double SoftmaxHeadBar = 0.96;
    const double GoodnessBar = 0.93;
}
