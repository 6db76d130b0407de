using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;
using static FFActors.Core.Tests.TestSetup;
using static FFActors.TestSupport.Tensors;

namespace FFActors.Core.Tests.Variants;

/// <summary>Prospective-configuration FF: the seed's one-shot target and the paper's relaxation, against hand computation.</summary>
public class ProspectiveTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly OptimizerOptions Sgd = new(OptimizerKind.Sgd, 0.1, 0, 0, LrSchedule.Constant, 0.5);

    // Layer 1 of a hand-set network: 2 context columns, 2 units below, 2 units; W, b and the feedback F set by hand.
    static readonly double[,] W = { { 1, 0 }, { 0.5, -1 } }, F = { { 1, -2 }, { 0.5, 3 } };
    static readonly double[] B = { 0.1, 0.2 };
    const double Theta = 1.0;

    static ProspectiveLayer HandSet(ProspectiveOptions options)
    {
        var spec = new ProspectiveSpec(1, 4, 4, Sgd, null, InputNorm.L2, new Objective(GoodnessKind.Sum, Theta, LossKind.Softplus), 0, options with { Classes = 2 });
        var layer = (ProspectiveLayer)spec.Create(1, CPU);
        using var _ = no_grad();
        var p = layer.Module.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        p["linear.weight"].copy_(tensor(W.Cast<double>().Select(v => (float)v).ToArray(), [2, 2]));
        p["linear.bias"].copy_(tensor(B.Select(v => (float)v).ToArray()));
        layer.Module.named_buffers().Single(x => x.name == "feedback").buffer.copy_(tensor(F.Cast<double>().Select(v => (float)v).ToArray(), [2, 2]));
        return layer;
    }

    // Positive: label 0 over activities [3, 4]; negative: label 1 over [4, 3].
    static (Tensor Pos, Tensor Neg) Inputs() => (tensor(new float[] { 1, 0, 3, 4 }, [1, 4]), tensor(new float[] { 0, 5, 4, 3 }, [1, 4]));

    static double[] H(double[] below)
    {
        double n = Math.Sqrt(below.Sum(v => v * v)) + 1e-4;
        return Enumerable.Range(0, 2).Select(j => Math.Max(0, W[j, 0] * below[0] / n + W[j, 1] * below[1] / n + B[j])).ToArray();
    }

    /// <summary>σ·β·F·c for context one-hot k.</summary>
    static double[] Push(int k, double beta, double sign) => [sign * beta * F[0, k], sign * beta * F[1, k]];

    static double Sq(double[] v) => v.Sum(x => x * x);

    [Fact]
    public void The_feedback_projection_is_a_fixed_buffer_of_orthonormal_columns_scaled_to_the_gain()
    {
        using var scope = NewDisposeScope();
        var spec = new ProspectiveKind(new ProspectiveOptions(FeedbackGain: 0.05)).Specs(new ModelOptions([784, 30, 20]), new NetworkContext(Sgd))[1];
        Assert.Equal((40, 30), (spec.InputSize, spec.OutputSize));
        using var layer = spec.Create(9, CPU);
        var f = layer.Module.named_buffers().Single(b => b.name == "feedback").buffer;
        Assert.Equal([20L, 10], f.shape);
        Assert.True(f.t().matmul(f).allclose(eye(10).mul(KeptScalars.Of(0.0025)), atol: 1e-6));
        Assert.DoesNotContain(layer.Module.parameters(), p => p.shape.SequenceEqual(f.shape));
        // The same layer seed gives the same F (a replica on another node builds the same layer).
        using var again = spec.Create(9, CPU);
        Assert.True(Same(f, again.Module.named_buffers().Single(b => b.name == "feedback").buffer));
    }

    [Fact]
    public void The_seed_formulation_adds_kappa_times_the_mse_to_a_detached_one_shot_target()
    {
        using var scope = NewDisposeScope();
        const double beta = 0.5, kappa = 0.2;
        using var layer = HandSet(new ProspectiveOptions(ProspectiveFormulation.Seed, Beta: beta, Consolidation: kappa));
        var (pos, neg) = Inputs();
        var step = layer.Begin(new StepInput(pos, neg));

        var hPos = H([3, 4]);
        var hNeg = H([4, 3]);
        var tPos = hPos.Zip(Push(0, beta, +1), (h, p) => Math.Max(0, h + p)).ToArray();
        var tNeg = hNeg.Zip(Push(1, beta, -1), (h, p) => Math.Max(0, h + p)).ToArray();
        double ff = (Softplus(Theta - Sq(hPos)) + Softplus(Sq(hNeg) - Theta)) / 2;
        double mse = (Sq(tPos.Zip(hPos, (t, h) => t - h).ToArray()) + Sq(tNeg.Zip(hNeg, (t, h) => t - h).ToArray())) / 2;
        Assert.Equal(ff + kappa * mse, step.Stats.Loss, 5);
        Assert.Equal(Sq(hPos), step.Stats.GoodPos, 5);
    }

    [Fact]
    public void The_paper_formulation_relaxes_the_activity_then_consolidates_toward_it()
    {
        using var scope = NewDisposeScope();
        const double beta = 0.3, eta = 0.4, lambda = 0.25;
        const int steps = 3;
        using var layer = HandSet(new ProspectiveOptions(ProspectiveFormulation.Paper, Beta: beta, Steps: steps, Rate: eta, Energy: lambda));
        var (pos, neg) = Inputs();
        var step = layer.Begin(new StepInput(pos, neg));

        double[] Relax(double[] h, double[] push, double sign)
        {
            var x = h.ToArray();
            for (int t = 0; t < steps; t++)
            {
                double z = Sq(x) - Theta;
                // ℓ'(z): −(1 − σ(z)) for the positive, σ(z) for the negative.
                double slope = sign > 0 ? -1 / (1 + Math.Exp(z)) : 1 / (1 + Math.Exp(-z));
                x = Enumerable.Range(0, 2).Select(j => Math.Max(0, x[j] - eta * ((x[j] - h[j]) - push[j] + 2 * lambda * slope * x[j]))).ToArray();
            }
            return x;
        }
        var hPos = H([3, 4]);
        var hNeg = H([4, 3]);
        var xPos = Relax(hPos, Push(0, beta, +1), +1);
        var xNeg = Relax(hNeg, Push(1, beta, -1), -1);
        double expected = (Sq(xPos.Zip(hPos, (x, h) => x - h).ToArray()) + Sq(xNeg.Zip(hNeg, (x, h) => x - h).ToArray())) / 2 * 0.5 / lambda;
        output.WriteLine($"h+ {string.Join(", ", hPos)} -> x+ {string.Join(", ", xPos)}; h- {string.Join(", ", hNeg)} -> x- {string.Join(", ", xNeg)}");
        Assert.True(expected > 1e-4);
        Assert.Equal(expected, step.Stats.Loss, 6);

        // The update moves h toward the relaxed activity: the positive's goodness rises after one SGD step.
        layer.Finish(step);
        Assert.True(layer.Begin(new StepInput(pos, neg)).Stats.GoodPos > Sq(hPos));
    }

    /// <summary>
    /// Why the seed's formulation is FF: with its settings (x/|x|, mean goodness, θ = 2, β = 0.5, F of length 0.05,
    /// κ = 0.01) the target differs from h by at most 0.025 in length while ‖h‖ is about √(500·2), so the MSE term
    /// hardly moves the gradient. On a real MNIST batch the weight gradient of the seed's loss is FF's to within 0.1 %.
    /// </summary>
    [Fact]
    public void At_the_seeds_settings_the_seed_formulation_follows_the_ff_gradient()
    {
        using var scope = NewDisposeScope();
        using var data = Mnist.Load(trainLimit: 200, testLimit: 1);
        var overlay = new LabelOverlay();
        var images = data.Train.Rows(0, 200);
        var labels = data.Train.Labels.narrow(0, 0, 200);
        using var gen = new Generator(5);
        var pos = overlay.Apply(images, labels);
        var neg = overlay.Apply(images, FFActors.Core.Negatives.WrongLabelNegatives.SampleWrongLabels(labels, 10, gen));
        Tensor Gradient(double kappa)
        {
            var model = new ModelOptions([784, 500], InputNorm.L2, GoodnessKind.Mean, 2.0,
                LayerKind: new ProspectiveKind(new ProspectiveOptions(ProspectiveFormulation.Seed, Beta: 0.5, FeedbackGain: 0.05, Consolidation: kappa)));
            using var layer = FFNetwork.SpecsFor(model, Sgd)[0].Create(11, CPU);
            // A layer a few steps into training, so that its units are active.
            for (int i = 0; i < 5; i++) layer.Step(new StepInput(pos, neg));
            var step = layer.Begin(new StepInput(pos, neg));
            layer.Optimizer.zero_grad();
            step.Loss!.backward();
            return layer.Module.parameters().First().grad!.clone().MoveToOuterDisposeScope();
        }
        var seed = Gradient(0.01);
        var ff = Gradient(0.0);
        double relative = (seed - ff).norm().item<float>() / ff.norm().item<float>();
        output.WriteLine($"|g_seed - g_ff| / |g_ff| = {relative:E2}");
        Assert.True(ff.norm().item<float>() > 0);
        Assert.True(relative < 1e-3, $"relative difference {relative:E2}");
    }

    [Theory]
    [InlineData(ProspectiveFormulation.Seed, 0.55)]   // measured 67.90 % (untrained 7.60 %)
    [InlineData(ProspectiveFormulation.Paper, 0.33)]  // measured 43.60 %: consolidating the relaxed activity separates more slowly (docs/variants.md)
    public void A_short_mnist_run_beats_the_untrained_network_by_a_wide_margin(ProspectiveFormulation formulation, double floor)
    {
        // 784-200-200, project defaults (RMS input norm, sum goodness, θ = width, peer norm 0.03, Adam 0.001),
        // 3 epochs of 3 000 images, seed 3, goodness of both layers scored on 1 000 test images.
        var model = new ModelOptions([784, 200, 200], InputNorm.Rms, GoodnessKind.Sum, Threshold: null, PeerNorm: 0.03,
            LayerKind: new ProspectiveKind(new ProspectiveOptions(formulation)));
        var config = new FFConfig(new RunOptions(Seed: 3), new DataOptions(Dir: RepoPaths.Data, TrainLimit: 3000, TestLimit: 1000), model,
            new TrainOptions(Schedule.Simultaneous, 3, 100, Optimizer: new OptimizerOptions(LearningRate: 0.001, Schedule: LrSchedule.Constant)),
            new EvalOptions(ScoreLayers: [0, 1], HeadEpochs: 0, ValidateEachEpoch: false));
        using var data = Mnist.Load(trainLimit: 3000, testLimit: 1000);
        using var net = new FFNetwork(config, CPU);
        var overlay = new LabelOverlay();
        double untrained = GoodnessScorer.Accuracy(net, data.Test, overlay, [0, 1], 500);
        new FFTrainer(config).Train(net, data);
        double trained = GoodnessScorer.Accuracy(net, data.Test, overlay, [0, 1], 500);
        output.WriteLine($"prospective ({formulation}) 784-200-200, 3 epochs of 3000: goodness accuracy {trained:P2} (untrained {untrained:P2})");
        Assert.True(trained > Math.Max(floor, untrained + 0.2), $"trained {trained:P2}, untrained {untrained:P2}");
    }
}
