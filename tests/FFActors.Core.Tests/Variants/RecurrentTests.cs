using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;

namespace FFActors.Core.Tests.Variants;

/// <summary>Hinton's recurrent FF: damped synchronous iterations in which each layer hears the layers below and above.</summary>
public class RecurrentTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static FFConfig MnistConfig(bool topDown, int epochs, int train, double lr, InputNorm norm, GoodnessKind goodness, double? theta, int units = 200) =>
        new(new RunOptions(Seed: 3), new DataOptions(Dir: RepoPaths.Data, TrainLimit: train, TestLimit: 1000),
            new ModelOptions([784, units, units], norm, goodness, Threshold: theta, LayerKind: new RecurrentKind(new RecurrentOptions(TopDown: topDown))),
            new TrainOptions(Schedule.Simultaneous, epochs, 100, Optimizer: new OptimizerOptions(LearningRate: lr, Schedule: LrSchedule.Constant)),
            new EvalOptions(ScoreLayers: [0, 1], HeadEpochs: 0, ValidateEachEpoch: false));

    [Theory]
    [InlineData(true, 0.001, InputNorm.Rms, GoodnessKind.Sum, null)]
    [InlineData(false, 0.001, InputNorm.Rms, GoodnessKind.Sum, null)]
    [InlineData(true, 0.01, InputNorm.L2, GoodnessKind.Mean, 2.0)]
    [InlineData(true, 0.003, InputNorm.Rms, GoodnessKind.Sum, null)]
    public void Explore(bool topDown, double lr, InputNorm norm, GoodnessKind goodness, double? theta)
    {
        var config = MnistConfig(topDown, 2, 3000, lr, norm, goodness, theta);
        using var data = Mnist.Load(trainLimit: 3000, testLimit: 1000);
        using var net = new FFNetwork(config, CPU);
        var overlay = new LabelOverlay();
        double untrained = GoodnessScorer.Accuracy(net, data.Test, overlay, [0, 1], 500);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var metrics = new FFTrainer(config).Train(net, data);
        double trained = GoodnessScorer.Accuracy(net, data.Test, overlay, [0, 1], 500);
        output.WriteLine($"topDown {topDown} lr {lr} {norm} {goodness} θ {theta}: {trained:P2} (untrained {untrained:P2}) in {sw.Elapsed.TotalSeconds:F0}s; " +
            $"sep {string.Join(", ", metrics[^1].Layers.Select(l => $"{l.Separation:P1} g {l.GoodPos:F2}/{l.GoodNeg:F2}"))}");
    }
}
