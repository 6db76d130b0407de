using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core;
using FFActors.Core.Training;
using Xunit.Abstractions;
using FFActors.TestSupport;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

/// <summary>FF with the label in a block of extra inputs (model.label-input = block) instead of over the first pixels.</summary>
public class LabelBlockTrainingTests(ITestOutputHelper log)
{
    static FFConfig Config(int[] layers) => new(
        new RunOptions(Seed: 2),
        new DataOptions(TrainLimit: 10_000, TestLimit: 2_000),
        new ModelOptions(layers, InputNorm.Rms, GoodnessKind.Sum, Threshold: null, LossKind.Softplus, PeerNorm: 0.03, LabelPlacement: LabelPlacement.Block),
        new TrainOptions(Schedule.Simultaneous, Epochs: 1, BatchSize: 100, Optimizer: new OptimizerOptions(OptimizerKind.Adam, 0.001)),
        new EvalOptions(ScoreLayers: [0], HeadLayers: [0, 1], HeadEpochs: 2, ValidateEachEpoch: false));

    [Fact]
    public void A_network_given_the_label_in_a_block_learns_to_classify_by_goodness_and_by_its_label_free_features()
    {
        var config = Config([794, 200, 200]);
        using var data = Mnist.Load(trainLimit: 10_000, testLimit: 2_000);
        using var net = new FFNetwork(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, CPU);
        var trainer = new FFTrainer(config);
        Assert.Equal(LabelPlacement.Block, trainer.Overlay.Placement);
        trainer.Train(net, data);

        var result = Evaluator.Evaluate(net, data.Train, data.Test, trainer.Overlay, config.Eval, config.Run.Seed);
        log.WriteLine($"label block, 794-200-200, 1 epoch of 10 000: goodness {result.GoodnessAccuracy:P2}, head {result.HeadAccuracy:P2}");
        // Goodness scoring reads the label block (one pass per label; layer 0, as layers above the first score the true label
        // low after this short a run); the head reads the image with the block at zero.
        Assert.True(result.GoodnessAccuracy > 0.5, $"goodness accuracy {result.GoodnessAccuracy:P2}");
        Assert.True(result.HeadAccuracy > 0.7, $"head accuracy {result.HeadAccuracy:P2}");
    }

    [Fact]
    public void The_first_layer_must_take_the_image_and_the_block()
    {
        var config = Config([784, 20]);
        var e = Assert.Throws<ArgumentException>(() => NegativeSetup.Of(config).CheckInput(config, 784));
        Assert.Contains("model.label-input = block = 794", e.Message);
        var ok = Config([794, 20]);
        NegativeSetup.Of(ok).CheckInput(ok, 784);
    }
}
