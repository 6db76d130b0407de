using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;
using static FFActors.Core.Tests.TestSetup;

namespace FFActors.Core.Tests.Variants;

public class SymBaTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void SymBa_is_the_mean_softplus_of_minus_alpha_times_the_pair_difference_and_ignores_theta()
    {
        using var scope = NewDisposeScope();
        var gPos = tensor(new float[] { 5, 1 });
        var gNeg = tensor(new float[] { 3, 2 });
        double expected = (Softplus(-4 * (5 - 3)) + Softplus(-4 * (1 - 2))) / 2;
        Assert.Equal(expected, new Objective(GoodnessKind.Sum, 4, LossKind.SymBa).LossOf(gPos, gNeg).item<float>(), 5);
        Assert.Equal(expected, new Objective(GoodnessKind.Sum, 100, LossKind.SymBa).LossOf(gPos, gNeg).item<float>(), 5);
        double alpha1 = (Softplus(-(5 - 3)) + Softplus(-(1 - 2))) / 2;
        Assert.Equal(alpha1, new Objective(GoodnessKind.Sum, 4, LossKind.SymBa, Alpha: 1).LossOf(gPos, gNeg).item<float>(), 5);
        // Collaboration terms enter each side's logit.
        var withCollab = new Objective(GoodnessKind.Sum, 4, LossKind.SymBa).LossOf(gPos, gNeg, tensor(new float[] { 1, 1 }), tensor(new float[] { 0, 0 }));
        Assert.Equal((Softplus(-4 * 3) + Softplus(-4 * 0)) / 2, withCollab.item<float>(), 5);
        Assert.Throws<ArgumentException>(() => new Objective(GoodnessKind.Sum, 4, LossKind.SymBa).LossOf(gPos, tensor(new float[] { 1 })));
    }

    [Fact]
    public void A_dense_network_trained_with_SymBa_separates_positives_from_negatives_on_mnist()
    {
        using var data = Mnist.Load(trainLimit: 4000, testLimit: 1000);
        var config = new FFConfig(new RunOptions(Seed: 3), new DataOptions(TrainLimit: 4000, TestLimit: 1000),
            new ModelOptions([784, 200, 200], InputNorm: InputNorm.Rms, Goodness: GoodnessKind.Mean, Loss: LossKind.SymBa),
            new TrainOptions(Schedule.Simultaneous, 3, 50, Optimizer: new OptimizerOptions(LearningRate: 0.01, Schedule: LrSchedule.Constant)),
            new Evaluation.EvalOptions(HeadEpochs: 0, ValidateEachEpoch: false));
        var overlay = new LabelOverlay();
        using var untrained = new FFNetwork(config, CPU);
        using var net = new FFNetwork(config, CPU);
        var metrics = new FFTrainer(config).Train(net, data);
        Assert.Equal(LossKind.SymBa, ((DenseLayer)net.Layers[0]).Objective.Loss);
        Assert.All(metrics[^1].Layers, l => Assert.True(l.GoodPos > l.GoodNeg, $"layer {l.Layer}: g+ {l.GoodPos} ≤ g- {l.GoodNeg}"));

        // Baselines from the same seed's untrained network: its SymBa loss on a fixed batch of positives and wrong-label
        // negatives (≈ ln 2, as g+ ≈ g−) and its goodness-scoring accuracy (chance).
        double Loss(FFNetwork n)
        {
            using var scope = NewDisposeScope();
            using var gen = new Generator(11);
            var (pos, neg) = new BatchBuilder(overlay, NegativeStrategies.Create("wrong-label", overlay), gen)
                .Build(data.Train.Rows(0, 500), data.Train.Labels.narrow(0, 0, 500));
            var layer = (DenseLayer)n.Layers[0];
            using var _ = no_grad();
            return layer.Objective.LossOf(layer.Score(layer.Forward(pos)), layer.Score(layer.Forward(neg))).item<float>();
        }
        double loss0 = Loss(untrained), loss = Loss(net);
        double chance = Evaluation.GoodnessScorer.Accuracy(untrained, data.Test, overlay, [0, 1], 500);
        double accuracy = Evaluation.GoodnessScorer.Accuracy(net, data.Test, overlay, [0, 1], 500);
        output.WriteLine($"SymBa 784-200-200, 3 epochs of 4000 samples: layer-0 loss {loss0:F4} untrained → {loss:F4}; " +
            $"goodness-scoring accuracy {chance:P2} untrained → {accuracy:P2} on 1000 test samples");
        Assert.True(loss < 0.5 * loss0, $"layer-0 SymBa loss {loss0:F4} untrained, {loss:F4} trained");
        Assert.True(chance < Chance.Bound(10, 1000), $"the untrained network scores {chance:P2}, not chance");
        Assert.True(accuracy > 0.8, $"SymBa 784-200-200 after 3 epochs of 4000 samples: {accuracy:P2} (untrained {chance:P2})");
    }
}
