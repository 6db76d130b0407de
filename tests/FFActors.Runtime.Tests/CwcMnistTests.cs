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
        // Three blocks (the paper's first three, narrower), two epochs of 24 000 MNIST images, batch 25.
        var config = new FFConfig(new RunOptions(Seed: 1),
            new DataOptions(Dir: TestSupport.DataDir, TrainLimit: 24000, TestLimit: 2000),
            new ModelOptions([784, 10], Cwc: new CwcOptions([1, 28, 28], [20, 80, 160], Loss: CwcLoss.CwcCe, HeadPool: 0)),
            new TrainOptions(Schedule.Simultaneous, 2, 25, Optimizer: new OptimizerOptions(LearningRate: 0.03, Schedule: LrSchedule.Constant)),
            new EvalOptions(ScoreLayers: [2], HeadLayers: [2], HeadEpochs: 5, BatchSize: 500, ValidateEachEpoch: false));
        using var data = TestSupport.Load(config);
        var sw = Stopwatch.StartNew();
        var result = PipelineRunner.Train(config, TestSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null,
            CancellationToken.None, evaluate: true);
        using var net = result.Network;
        var e = result.Evaluation ?? throw new Xunit.Sdk.XunitException("no evaluation");
        output.WriteLine($"CwC [20,80,160], 2 epochs of 24000: GA {e.GoodnessAccuracy:P2}, SF {e.HeadAccuracy:P2} on 2000 test images; {sw.Elapsed.TotalSeconds:F1} s");
        Assert.True(e.HeadAccuracy > SoftmaxHeadBar, $"SF {e.HeadAccuracy:P2}");
        Assert.True(e.GoodnessAccuracy > GoodnessBar, $"GA {e.GoodnessAccuracy:P2}");
    }

    // The issue asks for > 97 % on MNIST from a short run inside the suite: the softmax head (SF) does it.
    // Measured by this test in session 16 with oneMKL's Intel paths (MklDispatch): GA 96.25 %, SF 97.55 % on these 2 000
    // test images with seed 1; seed 2 gave 94.30 / 97.60 %. One epoch sat on the bar: SF 96.50, 97.05, 97.85 % for seeds
    // 1–3 (97.35 % for seed 1 with the vendor kernels), 95.95–97.20 % with 36 000 images, 95.25–97.45 % at lr 0.01.
    const double SoftmaxHeadBar = 0.97;
    const double GoodnessBar = 0.93;
}
