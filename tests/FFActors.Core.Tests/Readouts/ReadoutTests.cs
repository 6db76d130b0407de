using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;

namespace FFActors.Core.Tests.Readouts;

/// <summary>
/// The two readouts on a network whose weights are set by hand, so every score can be worked out on paper: goodness
/// scoring (overlay each label, sum the chosen layers' goodness, take the best label) and the softmax head (a linear
/// map of the normalised activities under the neutral label).
/// </summary>
public class ReadoutTests
{
    /// <summary>
    /// 12 inputs (10 label slots, 2 image features) → 2 units → 2 units, no input normalisation, sum goodness, zero biases.
    /// Layer 0: unit 0 = relu(slot 3 + f₁₀), unit 1 = relu(2·slot 7 + f₁₁). Layer 1: the identity, so its goodness is layer 0's.
    /// </summary>
    static FFNetwork HandSet()
    {
        var net = new FFNetwork(new ModelOptions([12, 2, 2], InputNorm.None, GoodnessKind.Sum, Threshold: 1), new OptimizerOptions(), 1, CPU);
        var w0 = zeros(2, 12);
        w0[0, 3] = tensor(1f);
        w0[0, 10] = tensor(1f);
        w0[1, 7] = tensor(2f);
        w0[1, 11] = tensor(1f);
        using (no_grad())
        {
            net.Layers[0].Layer.Weight.copy_(w0);
            net.Layers[0].Layer.Bias.zero_();
            net.Layers[1].Layer.Weight.copy_(eye(2));
            net.Layers[1].Layer.Bias.zero_();
        }
        return net;
    }

    /// <summary>Two images: (f₁₀, f₁₁) = (0.5, 0.2) and (3, 0); their label slots are overwritten by the readouts.</summary>
    static Tensor Images()
    {
        var x = zeros(2, 12);
        x[0, 10] = tensor(0.5f);
        x[0, 11] = tensor(0.2f);
        x[1, 10] = tensor(3f);
        return x;
    }

    [Fact]
    public void Goodness_scoring_overlays_each_label_and_sums_the_chosen_layers()
    {
        using var scope = NewDisposeScope();
        using var net = HandSet();
        var overlay = new LabelOverlay(Value: 1.0);
        // Image 0 under label c: (0.5 + [c = 3])² + (0.2 + 2·[c = 7])²; image 1: (3 + [c = 3])² + (2·[c = 7])².
        var expected = new float[2, 10];
        for (int c = 0; c < 10; c++)
        {
            expected[0, c] = Square(0.5f + (c == 3 ? 1 : 0)) + Square(0.2f + (c == 7 ? 2 : 0));
            expected[1, c] = Square(3f + (c == 3 ? 1 : 0)) + Square(c == 7 ? 2 : 0);
        }
        var one = GoodnessScorer.Scores(net, Images(), overlay, [1]);
        Assert.True(one.allclose(tensor(expected), rtol: 1e-6, atol: 1e-6), "layer 1's goodness per label");
        var both = GoodnessScorer.Scores(net, Images(), overlay, [0, 1]);
        Assert.True(both.allclose(tensor(expected) * KeptScalars.Of(2), rtol: 1e-6, atol: 1e-6), "layers 0 and 1 summed");
        Assert.Equal([7L, 3L], Longs(both.argmax(1)));

        // Accuracy is the share of images whose best label is their own.
        using var right = new Dataset("hand", Images(), tensor(new long[] { 7, 3 }));
        using var half = new Dataset("hand", Images(), tensor(new long[] { 7, 5 }));
        Assert.Equal(1.0, GoodnessScorer.Accuracy(net, right, overlay, [0, 1], batchSize: 1));
        Assert.Equal(0.5, GoodnessScorer.Accuracy(net, half, overlay, [0, 1], batchSize: 2));
    }

    [Fact]
    public void The_softmax_head_reads_the_unit_length_activities_under_the_neutral_label()
    {
        using var scope = NewDisposeScope();
        using var net = HandSet();
        var overlay = new LabelOverlay(Value: 1.0);
        // Neutral label: every slot 0.1, so layer 0 gives (0.1 + f₁₀, 0.2 + f₁₁) = (0.6, 0.4) and (3.1, 0.2); each row over (‖h‖ + 1e-4).
        static float[] Unit(float a, float b)
        {
            float n = MathF.Sqrt(a * a + b * b) + 1e-4f;
            return [a / n, b / n];
        }
        var features = SoftmaxHead.Features(net, Images(), overlay, [0]);
        Assert.True(features.allclose(tensor(Unit(0.6f, 0.4f).Concat(Unit(3.1f, 0.2f)).ToArray(), [2, 2]), rtol: 1e-5, atol: 1e-6));
        Assert.Equal([2L, 4L], SoftmaxHead.Features(net, Images(), overlay, [0, 1]).shape);

        // A head set by hand: class 0 scores f₀ − f₁, class 1 scores f₁ − f₀ + 0.9 (bias). Image 0: 0.196 vs 0.704 → class 1;
        // image 1: 0.872 vs 0.028 → class 0.
        using var gen = new Generator(1);
        using var head = new SoftmaxHead(2, 2, gen);
        var p = head.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        using (no_grad())
        {
            p.Values.Single(t => t.dim() == 2).copy_(tensor(new float[] { 1, -1, -1, 1 }, [2, 2]));
            p.Values.Single(t => t.dim() == 1).copy_(tensor(new float[] { 0, 0.9f }));
        }
        Assert.Equal([1L, 0L], Longs(head.forward(features).argmax(1)));
        Assert.Equal(1.0, head.Accuracy(features, tensor(new long[] { 1, 0 }), batchSize: 1));
        Assert.Equal(0.0, head.Accuracy(features, tensor(new long[] { 0, 1 }), batchSize: 2));
    }

    [Fact]
    public void Fitting_the_head_learns_a_separable_problem_from_chance()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(5);
        // 200 points, the class is the sign of feature 0; the untrained head is judged on the same points first.
        var x = randn(200, 4, generator: gen);
        var y = x.select(1, 0).gt(KeptScalars.Of(0)).to(ScalarType.Int64);
        using var head = new SoftmaxHead(4, 2, gen);
        double before = head.Accuracy(x, y, 50);
        var curve = new List<double>();
        head.Fit(x, y, epochs: 20, batchSize: 20, learningRate: 0.05, gen, onEpoch: _ => curve.Add(head.Accuracy(x, y, 200)));
        Assert.Equal(20, curve.Count);
        Assert.True(curve[^1] > 0.95 && curve[^1] > before + 0.2, $"untrained {before:P1}, after 20 epochs {curve[^1]:P1}");
    }

    static float Square(float v) => v * v;
}
