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
        output.WriteLine($"CwC [20,80,160], 3 epochs of 24000: GA {e.GoodnessAccuracy:P2}, SF {e.HeadAccuracy:P2} on 2000 test images; {sw.Elapsed.TotalSeconds:F1} s");
        Assert.True(e.HeadAccuracy > SoftmaxHeadBar, $"SF {e.HeadAccuracy:P2}");
        Assert.True(e.GoodnessAccuracy > GoodnessBar, $"GA {e.GoodnessAccuracy:P2}");
    }

    // The issue asks for > 97 % on MNIST from a short run inside the suite: the softmax head (SF) does it. With oneMKL's
    // vendor kernels (the library default) and seed 1 on these 2 000 test images: 2 epochs gave SF 96.25 % with a 5-epoch
    // head and 96.80 % with a 10-epoch one; 3 epochs gave 94.80 % with a 5-epoch head (not converged) and 98.20 % with a
    // 10-epoch one (GA 95.90 % after 2 epochs, 96.80 % after 3).
    const double SoftmaxHeadBar = 0.97;
    const double GoodnessBar = 0.93;
}
