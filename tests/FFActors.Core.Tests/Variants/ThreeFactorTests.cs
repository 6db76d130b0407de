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

/// <summary>Three-factor FF: the modulated loss, the learnable scale, the modulation rules and real MNIST runs.</summary>
public class ThreeFactorTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // A 3 → 2 layer without input norm: h = ReLU(W x + b), sum goodness, θ = 1, softplus loss, SGD(lr 1) so that one
    // step moves ρ by exactly −∂L/∂ρ.
    static readonly float[,] W = { { 0.5f, -0.25f, 1.0f }, { 0.75f, 0.5f, -0.5f } };
    static readonly float[] B = { 0.1f, -0.2f };
    static readonly double[][] Pos = [[1.0, 0.5, 0.2], [0.3, -0.4, 0.9]];
    static readonly double[][] Neg = [[-0.2, 0.8, 0.1], [0.6, 0.6, -0.3]];

    static ThreeFactorLayer Layer(ThreeFactorOptions options, bool top = false)
    {
        var spec = new ThreeFactorSpec(0, 3, 2, new OptimizerOptions(OptimizerKind.Sgd, 1.0, 0, 0, LrSchedule.Constant), null, InputNorm.None,
            new Objective(GoodnessKind.Sum, 1.0, LossKind.Softplus), 0, options, top);
        var layer = (ThreeFactorLayer)spec.Create(5, CPU);
        using (no_grad())
        {
            layer.Parts.Dense.Weight.copy_(tensor(W));
            layer.Parts.Dense.Bias.copy_(tensor(B));
        }
        return layer;
    }

    static double Goodness(double[] x)
    {
        double g = 0;
        for (int j = 0; j < 2; j++)
        {
            double z = B[j];
            for (int i = 0; i < 3; i++) z += W[j, i] * x[i];
            g += Math.Pow(Math.Max(0, z), 2);
        }
        return g;
    }

    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    static Tensor Rows(double[][] x) => tensor(x.SelectMany(r => r.Select(v => (float)v)).ToArray(), [x.Length, 3]);

    /// <summary>L = mean softplus over [θ − g̃⁺, g̃⁻ − θ] with g̃ = g(1 + s tanh M), and ∂L/∂s.</summary>
    static (double Loss, double DLossDs) Expected(double s, double[] mPos, double[] mNeg)
    {
        double loss = 0, grad = 0;
        for (int i = 0; i < 2; i++)
        {
            double gp = Goodness(Pos[i]), gn = Goodness(Neg[i]);
            double tp = Math.Tanh(mPos[i]), tn = Math.Tanh(mNeg[i]);
            double zp = 1.0 - gp * (1 + s * tp), zn = gn * (1 + s * tn) - 1.0;
            loss += Softplus(zp) + Softplus(zn);
            grad += Sigmoid(zp) * (-gp * tp) + Sigmoid(zn) * (gn * tn);
        }
        return (loss / 4, grad / 4);
    }

    [Fact]
    public void The_modulated_loss_and_the_scale_s_gradient_equal_the_hand_computed_values()
    {
        using var scope = NewDisposeScope();
        using var layer = Layer(new ThreeFactorOptions(Modulation.LayerAgreement, InitialScale: 0.5));
        double[] mPos = [0.8, -0.6], mNeg = [0.8, -0.6];
        var signals = new Dictionary<string, Tensor>
        {
            [ThreeFactorLayer.ModulationPositive] = tensor(mPos.Select(v => (float)v).ToArray()),
            [ThreeFactorLayer.ModulationNegative] = tensor(mNeg.Select(v => (float)v).ToArray()),
        };
        var step = layer.Begin(new StepInput(Rows(Pos), Rows(Neg), Signals: signals));
        var (loss, dLds) = Expected(0.5, mPos, mNeg);
        Assert.Equal(loss, step.Stats.Loss, 5);
        // Plain goodness in the statistics: the modulation exists only in the loss.
        Assert.Equal((Goodness(Pos[0]) + Goodness(Pos[1])) / 2, step.Stats.GoodPos, 5);

        // Corrected: s = tanh(ρ), ρ₀ = atanh(0.5); one SGD(1) step moves ρ by −∂L/∂s · (1 − s²).
        double rho0 = Math.Atanh(0.5);
        layer.Finish(step);
        double rho1 = layer.Module.named_parameters().Single(p => p.name == "scale").parameter.item<float>();
        Assert.Equal(rho0 - dLds * (1 - 0.25), rho1, 5);

        // Without modulation signals the loss is plain FF (factor 1).
        using var plain = Layer(new ThreeFactorOptions(Modulation.None));
        var plainStep = plain.Begin(new StepInput(Rows(Pos), Rows(Neg)));
        Assert.Equal(Expected(0.5, [0, 0], [0, 0]).Loss, plainStep.Stats.Loss, 5);
        // The scale is learnable: a layer that reads a modulation and has none refuses to guess it.
        Assert.Throws<ArgumentException>(() => layer.Begin(new StepInput(Rows(Pos), Rows(Neg))));
    }

    [Fact]
    public void The_seed_reward_prediction_is_one_constant_per_branch_from_a_running_expected_reward_that_checkpoints_keep()
    {
        using var scope = NewDisposeScope();
        using var layer = Layer(new ThreeFactorOptions(Modulation.RewardPrediction, ModulationFormulation.Seed, InitialScale: 0.5, RewardMomentum: 0.99));
        Assert.False(layer.Spec.ReadsLabels);
        var step = layer.Begin(new StepInput(Rows(Pos), Rows(Neg)));
        // E = 0.5: M⁺ = 1 − 0.5; E ← 0.99·0.5 + 0.01 = 0.505; M⁻ = −0.505; E ← 0.99·0.505. Seed: s = ρ = 0.5.
        Assert.Equal(Expected(0.5, [0.5, 0.5], [-0.505, -0.505]).Loss, step.Stats.Loss, 5);
        Assert.Equal(0.99 * 0.505, layer.Parts.ExpectedReward.item<float>(), 6);
        Assert.Equal(0.99 * 0.505, layer.Module.state_dict()["expectedReward"].item<float>(), 6);

        // Seed: s is ρ itself and unbounded; one SGD(1) step moves it by −∂L/∂s. Both branches push s up: the positives'
        // M > 0 rewards a larger factor, the negatives' M < 0 a smaller one.
        var (_, dLds) = Expected(0.5, [0.5, 0.5], [-0.505, -0.505]);
        Assert.True(dLds < 0);
        layer.Finish(step);
        Assert.Equal(0.5 - dLds, layer.Module.named_parameters().Single(p => p.name == "scale").parameter.item<float>(), 5);

        var bytes = LayerCheckpoint.ToBytes(layer);
        using var restored = Layer(new ThreeFactorOptions(Modulation.RewardPrediction, ModulationFormulation.Seed));
        LayerCheckpoint.FromBytes(restored, bytes);
        Assert.Equal(layer.Parts.ExpectedReward.item<float>(), restored.Parts.ExpectedReward.item<float>());
    }

    [Fact]
    public void The_modulation_rules_turn_published_signals_into_per_layer_rows()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 2, 0 });
        var readout = tensor(new float[,] { { 0.1f, 0.2f, 0.7f }, { 0.3f, 0.6f, 0.1f } });
        var value = tensor(new float[] { 0.25f, 0.5f });
        // Three layers with θ = 1, 2, 3 and the goodness each published for two positives (and negatives).
        double[] theta = [1, 2, 3];
        double[][] gp = [[1.5, 0.0], [2.0, 4.0], [1.0, 3.5]];
        double[][] gn = [[0.5, 2.0], [3.0, 1.0], [3.0, 2.0]];
        Tensor?[] Goodness(double[][] g) => g.Select(r => (Tensor?)tensor(r.Select(v => (float)v).ToArray())).ToArray();
        var published = new Dictionary<string, Tensor?[]>
        {
            [SignalNames.GoodnessPositive] = Goodness(gp),
            [SignalNames.GoodnessNegative] = Goodness(gn),
            [ThreeFactorLayer.ReadoutPositive] = [null, null, readout],
            [ThreeFactorLayer.ReadoutNegative] = [null, null, readout.flip(1)],
            [ThreeFactorLayer.ValuePositive] = [null, null, value],
        };
        Dictionary<string, Tensor> Rows(Modulation m, ModulationFormulation f = ModulationFormulation.Corrected)
        {
            var rule = new ModulationRule(new ThreeFactorOptions(m, f), theta);
            Assert.All(rule.Demands, d => Assert.True(published.ContainsKey(d.Kind)));
            var rows = new Dictionary<string, Tensor>();
            rule.Compute(published, labels, rows);
            return rows;
        }
        float[,] Floats2(Tensor t) => (float[,])t.data<float>().ToNDArray();

        // Top-down: P(true class) − 0.5 for every layer; corrected negatives take their positive's row.
        var top = Rows(Modulation.TopDown);
        Assert.Equal([3, 2], top[ThreeFactorLayer.ModulationPositive].shape);
        for (int l = 0; l < 3; l++)
        {
            Assert.Equal(0.2, Floats2(top[ThreeFactorLayer.ModulationPositive])[l, 0], 5);
            Assert.Equal(-0.2, Floats2(top[ThreeFactorLayer.ModulationPositive])[l, 1], 5);
        }
        Assert.True(Same(top[ThreeFactorLayer.ModulationPositive], top[ThreeFactorLayer.ModulationNegative]));
        // The seed's top-down negatives: −(P(true class) − 0.5) of the negatives' own readout (the flipped rows:
        // P(2) = 0.1 for sample 0, P(0) = 0.1 for sample 1).
        var seedTop = Floats2(Rows(Modulation.TopDown, ModulationFormulation.Seed)[ThreeFactorLayer.ModulationNegative]);
        Assert.Equal(-(0.1 - 0.5), seedTop[0, 0], 5);
        Assert.Equal(-(0.1 - 0.5), seedTop[2, 1], 5);

        // Layer agreement: (2σ(g_ℓ − θ_ℓ) − 1)(2σ(g_n − θ_n) − 1), n = ℓ + 1, the top layer with ℓ − 1.
        double V(double[][] g, int l, int i) => 2 * Sigmoid(g[l][i] - theta[l]) - 1;
        var agree = Floats2(Rows(Modulation.LayerAgreement)[ThreeFactorLayer.ModulationPositive]);
        var seedAgree = Floats2(Rows(Modulation.LayerAgreement, ModulationFormulation.Seed)[ThreeFactorLayer.ModulationNegative]);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(V(gp, 0, i) * V(gp, 1, i), agree[0, i], 5);
            Assert.Equal(V(gp, 1, i) * V(gp, 2, i), agree[1, i], 5);
            Assert.Equal(V(gp, 2, i) * V(gp, 1, i), agree[2, i], 5);
            Assert.Equal(V(gn, 0, i) * V(gn, 1, i), seedAgree[0, i], 5);
        }

        // Reward prediction: r = readout right (sample 0: argmax 2 = label 2; sample 1: argmax 1 ≠ 0) minus the critic's v.
        var reward = Floats2(Rows(Modulation.RewardPrediction)[ThreeFactorLayer.ModulationPositive]);
        Assert.Equal(1 - 0.25, reward[1, 0], 5);
        Assert.Equal(0 - 0.5, reward[2, 1], 5);
    }

    const int Train = 10_000, Epochs = 2;
    const double Lr = 0.003;

    static FFConfig MnistConfig(ThreeFactorOptions options, double lr) => new(new RunOptions(Seed: 3),
        new DataOptions(Dir: RepoPaths.Data, TrainLimit: Train, TestLimit: 1000),
        new ModelOptions([784, 200, 200], InputNorm.Rms, GoodnessKind.Sum, Threshold: null, PeerNorm: 0.03, LayerKind: new ThreeFactorKind(options)),
        new TrainOptions(Schedule.Simultaneous, Epochs, 100, Optimizer: new OptimizerOptions(LearningRate: lr, Schedule: LrSchedule.Constant)),
        new EvalOptions(ScoreLayers: [0, 1], HeadEpochs: 0, ValidateEachEpoch: false));

    static double Accuracy(FFConfig config, DataSplits data, Action<FFNetwork>? inspect = null)
    {
        using var net = new FFNetwork(config, CPU);
        new FFTrainer(config).Train(net, data);
        inspect?.Invoke(net);
        return GoodnessScorer.Accuracy(net, data.Test, new LabelOverlay(), [0, 1], 500);
    }

    /// <summary>
    /// Real MNIST, 784-200-200, 2 epochs of 10 000 images (200 Adam steps, lr 0.003), seed 3, the project's dense recipe
    /// (RMS norm, sum goodness, θ = width, peer normalisation); goodness scoring on 1 000 test images, chance 10 %. Every
    /// corrected modulation learns (measured: none 81.8 %, top-down 79.6 %, layer agreement 63.8 %, reward prediction
    /// 74.7 %; floors a few points below), and the seed's reward prediction does not (measured 26.7 %): its M is +0.5 for
    /// every positive and −0.5 for every negative, so positives pass at g > θ/(1 + s·tanh 0.5) and negatives at
    /// g &lt; θ/(1 − s·tanh 0.5), a band that every sample can sit in without telling the two apart, and both branches push
    /// s up to widen it.
    /// </summary>
    [Fact]
    public void Corrected_modulations_learn_mnist_and_the_seed_reward_prediction_does_not()
    {
        using var data = Mnist.Load(trainLimit: Train, testLimit: 1000);
        var results = new List<(Modulation, double)>();
        foreach (var m in new[] { Modulation.None, Modulation.TopDown, Modulation.LayerAgreement, Modulation.RewardPrediction })
        {
            double accuracy = Accuracy(MnistConfig(new ThreeFactorOptions(m), Lr), data);
            output.WriteLine($"{m} (corrected): goodness-scoring accuracy {accuracy:P2} on 1000 test samples");
            results.Add((m, accuracy));
        }
        var scales = new List<double>();
        double collapsed = Accuracy(MnistConfig(new ThreeFactorOptions(Modulation.RewardPrediction, ModulationFormulation.Seed), Lr), data,
            net => scales.AddRange(net.Layers.Select(l => (double)l.Module.named_parameters().Single(p => p.name == "scale").parameter.item<float>())));
        output.WriteLine($"RewardPrediction (seed): accuracy {collapsed:P2}; s per layer {string.Join(", ", scales.Select(s => s.ToString("F2")))}");
        var floors = new Dictionary<Modulation, double>
        {
            [Modulation.None] = 0.75, [Modulation.TopDown] = 0.75, [Modulation.LayerAgreement] = 0.55, [Modulation.RewardPrediction] = 0.68,
        };
        Assert.All(results, r => Assert.True(r.Item2 > floors[r.Item1], $"{r.Item1}: {r.Item2:P2}"));
        Assert.True(collapsed < 0.4, $"seed reward prediction: {collapsed:P2}");
        Assert.All(scales, s => Assert.True(s > 0.5, $"s = {s}: the seed's constant M per branch pushes s up"));
    }
}
