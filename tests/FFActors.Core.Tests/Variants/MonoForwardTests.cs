using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;

namespace FFActors.Core.Tests.Variants;

/// <summary>Mono-Forward: scores a·Mᵀ through each layer's own projection, a local cross-entropy, one pass.</summary>
public class MonoForwardTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static MonoForwardSpec Spec(int input, int width, int classes, OptimizerOptions optimizer) =>
        new(0, input, width, optimizer, null, InputNorm.None, new MonoForwardOptions(classes));

    [Fact]
    public void A_layer_scores_every_class_in_one_pass_and_hands_on_detached_activities()
    {
        using var scope = NewDisposeScope();
        using var layer = Spec(12, 6, 4, new OptimizerOptions()).Create(5, CPU);
        using var gen = new Generator(7);
        var x = randn(5, 12, generator: gen);
        var h = layer.Forward(x);
        Assert.Equal([5L, 6], h.shape);
        Assert.Equal([5L, 4], layer.Score(h).shape);
        Assert.Equal([5L, 6], layer.Features(h).shape);
        Assert.Equal([4L, 6], ((MonoForwardModule)layer.Module).Projection.shape);
        // W, b and M are the layer's parameters, all under its one optimizer.
        Assert.Equal(3, layer.Module.parameters().Count());
        var step = layer.Begin(new StepInput(x, empty(0, 12), randint(0, 4, [5], generator: gen)));
        Assert.False(step.Output.Positive.requires_grad);
        Assert.True(step.Output.Positive.Equals(h));
    }

    /// <summary>
    /// A 3-input, 2-unit, 3-class layer set by hand, two samples, one SGD step at rate 0.1:
    /// the loss and the new W, b and M against the values worked out below.
    /// </summary>
    [Fact]
    public void Loss_and_update_of_a_hand_set_layer_match_the_hand_computed_values()
    {
        using var scope = NewDisposeScope();
        using var layer = Spec(3, 2, 3, new OptimizerOptions(OptimizerKind.Sgd, LearningRate: 0.1, Momentum: 0)).Create(1, CPU);
        var module = (MonoForwardModule)layer.Module;
        using (no_grad())
        {
            module.Dense.Weight.copy_(tensor(new float[] { 1, -1, 0.5f, 0.5f, 0.5f, -1 }, [2, 3]));
            module.Dense.Bias.copy_(tensor(new float[] { 0.1f, -0.2f }));
            module.Projection.copy_(tensor(new float[] { 1, 0, 0, 1, -1, 1 }, [3, 2]));
        }
        var x = tensor(new float[] { 1, 2, 3, 0, 1, -1 }, [2, 3]);
        var labels = tensor(new long[] { 0, 0 });

        // Sample 1: z = (1 − 2 + 1.5 + 0.1, 0.5 + 1 − 3 − 0.2) = (0.6, −1.7), a = (0.6, 0), G = a·Mᵀ = (0.6, 0, −0.6), label 0.
        // Sample 2: z = (0 − 1 − 0.5 + 0.1, 0 + 0.5 + 1 − 0.2) = (−1.4, 1.3),  a = (0, 1.3), G = (0, 1.3, 1.3),     label 0.
        double[][] a = [[0.6, 0], [0, 1.3]];
        double[][] g = [[0.6, 0, -0.6], [0, 1.3, 1.3]];
        int[] y = [0, 0];
        double[][] p = g.Select(s => { var e = s.Select(Math.Exp).ToArray(); return e.Select(v => v / e.Sum()).ToArray(); }).ToArray();
        double loss = (-Math.Log(p[0][0]) - Math.Log(p[1][0])) / 2;

        var step = layer.Begin(new StepInput(x, empty(0, 3), labels));
        Assert.Equal(loss, step.Stats.Loss, 5);
        Assert.Equal(0.5, step.Stats.Separation); // sample 1 scores its class 0 highest, sample 2 scores classes 1 and 2 above it
        Assert.True(step.Output.Positive.allclose(tensor(new float[] { 0.6f, 0, 0, 1.3f }, [2, 2]), atol: 1e-6));
        layer.Finish(step);

        // dL/dG = (p − onehot)/B; dM = dGᵀ·a; dL/da = dG·M, through the ReLU only where z > 0 (unit 0 of sample 1, unit 1 of sample 2).
        double[,] m = { { 1, 0 }, { 0, 1 }, { -1, 1 } };
        double[,] w = { { 1, -1, 0.5 }, { 0.5, 0.5, -1 } };
        double[] bias = [0.1, -0.2];
        double[][] xs = [[1, 2, 3], [0, 1, -1]];
        var dG = p.Select((ps, i) => ps.Select((v, c) => (v - (c == y[i] ? 1 : 0)) / 2).ToArray()).ToArray();
        var newM = new double[3, 2];
        for (int c = 0; c < 3; c++)
            for (int j = 0; j < 2; j++)
                newM[c, j] = m[c, j] - 0.1 * (dG[0][c] * a[0][j] + dG[1][c] * a[1][j]);
        var newW = (double[,])w.Clone();
        var newB = (double[])bias.Clone();
        foreach (var (i, j) in new[] { (0, 0), (1, 1) })
        {
            double delta = Enumerable.Range(0, 3).Sum(c => dG[i][c] * m[c, j]);
            for (int k = 0; k < 3; k++) newW[j, k] -= 0.1 * delta * xs[i][k];
            newB[j] -= 0.1 * delta;
        }
        AssertClose(newM, module.Projection);
        AssertClose(newW, module.Dense.Weight);
        Assert.Equal(newB, Floats(module.Dense.Bias).Select(v => (double)v), new Tolerance(1e-6));
    }

    static void AssertClose(double[,] expected, Tensor actual)
    {
        var v = Floats(actual);
        for (int r = 0; r < expected.GetLength(0); r++)
            for (int c = 0; c < expected.GetLength(1); c++)
                Assert.Equal(expected[r, c], v[r * expected.GetLength(1) + c], 6);
    }

    sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(double d) => 0;
    }

    /// <summary>784-200-200, 2 epochs of 3 000 MNIST images, seed 3: the last layer's projection classifies 1 000 test images.</summary>
    [Fact]
    public void A_mono_forward_network_learns_mnist_well_above_its_untrained_self()
    {
        var model = new ModelOptions([784, 200, 200], InputNorm: InputNorm.None, LayerKind: new MonoForwardKind(new MonoForwardOptions()));
        var config = new FFConfig(new RunOptions(Seed: 3), new DataOptions(Dir: RepoPaths.Data, TrainLimit: 3000, TestLimit: 1000), model,
            new TrainOptions(Schedule.Simultaneous, 2, 50, Optimizer: new OptimizerOptions(LearningRate: 0.003, Schedule: LrSchedule.Constant)),
            new EvalOptions(ScoreLayers: [1], HeadEpochs: 0, ValidateEachEpoch: false));
        using var data = Mnist.Load(trainLimit: 3000, testLimit: 1000);
        using var net = new FFNetwork(config, CPU);
        double untrained = GoodnessScorer.Accuracy(net, data.Test, new LabelOverlay(), [1], 500);
        var metrics = new FFTrainer(config).Train(net, data);
        double accuracy = GoodnessScorer.Accuracy(net, data.Test, new LabelOverlay(), [1], 500);
        output.WriteLine($"mono-forward 784-200-200, 2 epochs of 3000: last-layer accuracy {accuracy:P2} (untrained {untrained:P2}) on 1000 test samples; " +
            $"last-epoch losses {string.Join(", ", metrics[^1].Layers.Select(l => l.Loss.ToString("F3")))}");
        Assert.All(metrics[^1].Layers, l => Assert.True(l.Loss < metrics[0].Layers[l.Layer].Loss, $"layer {l.Layer}: loss did not fall"));
        Assert.True(untrained < 0.25, $"untrained {untrained:P2}");
        Assert.True(accuracy > 0.85, $"mono-forward accuracy {accuracy:P2}"); // measured 89.50 %, untrained 11.20 %
    }
}
