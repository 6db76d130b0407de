using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FFActors.Core.Tests.Negatives;

public class LabelFreeExploration(ITestOutputHelper log)
{
    [Theory]
    [InlineData(2000, 2, 0.003, 200)]
    [InlineData(10000, 3, 0.003, 200)]
    [InlineData(10000, 3, 0.01, 200)]
    [InlineData(2000, 10, 0.003, 200)]
    [InlineData(10000, 3, 0.003, 500)]
    public void Explore(int train, int epochs, double lr, int width)
    {
        var config = new FFConfig(new RunOptions(Seed: 3),
            new DataOptions(Dir: RepoPaths.Data, TrainLimit: train, TestLimit: 1000),
            new ModelOptions([784, width, width], InputNorm.Rms, GoodnessKind.Sum, Threshold: null, PeerNorm: 0.03),
            new TrainOptions(Schedule.Simultaneous, epochs, 50, "hinton-hybrid", new OptimizerOptions(LearningRate: lr)),
            new EvalOptions(HeadEpochs: 30, BatchSize: 100, HeadLayers: [0, 1]));
        using var data = DatasetLoader.Load(config.Data, CPU);
        using var untrained = new FFNetwork(config, CPU);
        using var net = new FFNetwork(config, CPU);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        new FFTrainer(config).Train(net, data);
        double t = sw.Elapsed.TotalSeconds;
        var ff = Evaluator.Evaluate(net, data.Train, data.Test, new LabelOverlay(), config.Eval, config.Run.Seed, probeOnly: true);
        var rnd = Evaluator.Evaluate(untrained, data.Train, data.Test, new LabelOverlay(), config.Eval, config.Run.Seed, probeOnly: true);
        foreach (var layers in new[] { new[] { 1 }, new[] { 0 } })
        {
            var e = config.Eval with { HeadLayers = layers };
            var a = Evaluator.Evaluate(net, data.Train, data.Test, new LabelOverlay(), e, config.Run.Seed, probeOnly: true);
            var b = Evaluator.Evaluate(untrained, data.Train, data.Test, new LabelOverlay(), e, config.Run.Seed, probeOnly: true);
            log.WriteLine($"  layers [{string.Join(",", layers)}]: ff {a.HeadAccuracy:P2} random {b.HeadAccuracy:P2}");
        }
        log.WriteLine($"train {train} epochs {epochs} lr {lr} width {width}: ff {ff.HeadAccuracy:P2} random {rnd.HeadAccuracy:P2} ({t:F1} s train, {sw.Elapsed.TotalSeconds:F1} s total)");
    }
}
