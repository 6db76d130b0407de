using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using TorchSharp;
using static TorchSharp.torch;
using static FFActors.Core.Tests.TestSupport;

namespace FFActors.Core.Tests.Variants;

/// <summary>Hyperspherical FF: cosine class scores against unit-norm prototypes, single-pass training and inference.</summary>
public class HffTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Class_scores_are_scaled_cosines_and_ignore_the_activity_norm()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(2);
        using var layer = new HffLayer(12, 6, InputNorm.L2, new HffOptions(Classes: 3, Scale: 5), gen);
        var h = layer.forward(randn(4, 12, generator: gen));
        var s = layer.ClassScores(h);
        Assert.Equal([4L, 3], s.shape);
        Assert.True(s.abs().max().item<float>() <= 5 + 1e-4);
        Assert.True(layer.ClassScores(h.mul(7.0)).allclose(s, rtol: 1e-4, atol: 1e-5));
        // Against a direct cosine with prototype 1.
        var p = layer.parameters().Single(t => t.shape.SequenceEqual(new long[] { 3, 6 }));
        var cos = nn.functional.cosine_similarity(h, p[1].unsqueeze(0).expand(4, 6), dim: 1).mul(5.0);
        Assert.True(s.select(1, 1).allclose(cos, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void An_hff_network_learns_mnist_from_labels_in_one_pass_per_batch()
    {
        var config = new FFConfig(new RunOptions(Seed: 3), new DataOptions(Dir: DataDir, TrainLimit: 3000, TestLimit: 1000),
            new ModelOptions([784, 200, 200], Hff: new HffOptions()),
            new TrainOptions(Schedule.Simultaneous, 2, 50, Optimizer: new OptimizerOptions(LearningRate: 0.003, Schedule: LrSchedule.Constant)),
            new EvalOptions(ScoreLayers: [1], HeadEpochs: 0, ValidateEachEpoch: false));
        using var data = LoadMnist(trainLimit: 3000, testLimit: 1000);
        using var net = new FFNetwork(config, CPU);
        Assert.True(net.LabelDriven);
        var metrics = new FFTrainer(config).Train(net, data);
        Assert.All(metrics[^1].Layers, l => Assert.True(l.GoodPos > l.GoodNeg, $"layer {l.Layer}: true-class score {l.GoodPos} ≤ others {l.GoodNeg}"));
        double accuracy = GoodnessScorer.Accuracy(net, data.Test, new LabelOverlay(), [1], 500);
        output.WriteLine($"HFF 784-200-200, 2 epochs of 3000 samples: single-pass accuracy {accuracy:P2} on 1000 test samples");
        Assert.True(accuracy > 0.85, $"HFF accuracy {accuracy:P2}");
    }
}
