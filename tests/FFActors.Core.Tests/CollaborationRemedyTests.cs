using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;
using static FFActors.Core.Tests.TestSetup;

namespace FFActors.Core.Tests;

/// <summary>The free-riding remedies of cumulative goodness (train.collaboration.remedy) on small tensors.</summary>
public class CollaborationRemedyTests
{
    const double Theta = 2;
    static readonly float[] GPos = [3, 1.5f];
    static readonly float[] GNeg = [1, 2.5f];
    // s·γ: a large prior margin for the first positive (the free-riding case), none for the rest.
    static readonly float[] CPos = [20, 0];
    static readonly float[] CNeg = [0, -0.5f];

    static Objective Of(CollaborationRemedy remedy, double divisor = 1, LossKind loss = LossKind.Softplus) =>
        new(GoodnessKind.Mean, Theta, loss, Remedy: remedy, CumulativeDivisor: divisor);

    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void None_uses_the_cumulative_logit_and_its_gradient_vanishes_on_a_saturated_positive()
    {
        using var scope = NewDisposeScope();
        var g = tensor(GPos).requires_grad_();
        var loss = Of(CollaborationRemedy.None).LossOf(g, tensor(GNeg), tensor(CPos), tensor(CNeg));
        double expected = (Softplus(-(3 + 20 - Theta)) + Softplus(-(1.5 - Theta)) + Softplus(1 - Theta) + Softplus(2.5 - 0.5 - Theta)) / 4;
        Assert.Equal(expected, loss.item<float>(), 5);
        loss.backward();
        Assert.True(Math.Abs(g.grad![0].item<float>()) < 1e-8, "the saturated positive still moves the layer");
    }

    [Fact]
    public void Per_block_ignores_gamma_in_the_loss()
    {
        using var scope = NewDisposeScope();
        var own = Of(CollaborationRemedy.None).LossOf(tensor(GPos), tensor(GNeg)).item<float>();
        Assert.Equal(own, Of(CollaborationRemedy.PerBlock).LossOf(tensor(GPos), tensor(GNeg), tensor(CPos), tensor(CNeg)).item<float>());
    }

    [Fact]
    public void Hardness_weights_are_detached_in_0_1_and_gate_the_layers_own_logit()
    {
        using var scope = NewDisposeScope();
        var g = tensor(GPos).requires_grad_();
        var gn = tensor(GNeg).requires_grad_();
        var objective = Of(CollaborationRemedy.HardnessGated);
        var (wPos, wNeg) = objective.HardnessWeights(g, gn, tensor(CPos), tensor(CNeg));
        Assert.False(wPos.requires_grad);
        Assert.False(wNeg.requires_grad);
        var w = Floats(cat([wPos, wNeg]));
        Assert.All(w, x => Assert.InRange(x, 0f, 1f));
        double[] z = [3 + 20 - Theta, 1.5 - Theta, 1 - Theta, 2.5 - 0.5 - Theta];
        double[] expectedW = [1 - Sigmoid(z[0]), 1 - Sigmoid(z[1]), Sigmoid(z[2]), Sigmoid(z[3])];
        for (int i = 0; i < 4; i++) Assert.Equal(expectedW[i], w[i], 5);

        var loss = objective.LossOf(g, gn, tensor(CPos), tensor(CNeg));
        double[] own = [Softplus(-(3 - Theta)), Softplus(-(1.5 - Theta)), Softplus(1 - Theta), Softplus(2.5 - Theta)];
        double expected = Enumerable.Range(0, 4).Sum(i => expectedW[i] * own[i]) / expectedW.Sum();
        Assert.Equal(expected, loss.item<float>(), 5);
        loss.backward();
        // The gradient of the unsaturated positive does not shrink with the batch's saturated samples:
        // the weighted mean renormalises by Σw, so it is w₁σ(θ − g₁)/Σw, not ≈ 0.
        double expectedGrad = -expectedW[1] * Sigmoid(-(1.5 - Theta)) / expectedW.Sum();
        Assert.Equal(expectedGrad, g.grad![1].item<float>(), 5);
    }

    [Fact]
    public void Depth_scaled_divides_the_cumulative_sum_by_one_plus_s_times_the_contributors()
    {
        using var scope = NewDisposeScope();
        var cumulative = new CollaborationOptions(1, CollaborationMode.Previous, GammaExchange.Exact, CollaborationRemedy.DepthScaled);
        Assert.Equal([1.0, 2.0, 3.0], Enumerable.Range(0, 3).Select(l => cumulative.CumulativeDivisor(l, 3)));
        Assert.Equal(1 + 0.5 * 2, (cumulative with { Scale = 0.5, Mode = CollaborationMode.All }).CumulativeDivisor(0, 3));
        Assert.Equal(1.0, (cumulative with { Remedy = CollaborationRemedy.None }).CumulativeDivisor(2, 3));

        var loss = Of(CollaborationRemedy.DepthScaled, divisor: 3).LossOf(tensor(GPos), tensor(GNeg), tensor(CPos), tensor(CNeg)).item<float>();
        double expected = (Softplus(-(23 / 3.0 - Theta)) + Softplus(-(1.5 / 3 - Theta)) + Softplus(1 / 3.0 - Theta) + Softplus(2.0 / 3 - Theta)) / 4;
        Assert.Equal(expected, loss, 5);
    }

    [Fact]
    public void The_network_puts_the_remedy_into_each_layers_objective_only_when_collaboration_is_on()
    {
        var model = new ModelOptions([20, 8, 8, 8]);
        var on = new CollaborationOptions(1, CollaborationMode.Previous, GammaExchange.Exact, CollaborationRemedy.DepthScaled);
        var layers = FFNetwork.SpecsFor(model, new OptimizerOptions(), collaboration: on).Cast<DenseSpec>().ToArray();
        Assert.All(layers, l => Assert.Equal(CollaborationRemedy.DepthScaled, l.Objective.Remedy));
        Assert.Equal([1.0, 2.0, 3.0], layers.Select(l => l.Objective.CumulativeDivisor));
        var off = FFNetwork.SpecsFor(model, new OptimizerOptions(), collaboration: on with { Scale = 0 }).Cast<DenseSpec>();
        Assert.All(off, l => Assert.Equal(new Objective(GoodnessKind.Mean, 2.0, LossKind.Softplus), l.Objective));
    }

    [Fact]
    public void A_layer_reports_its_own_separation_whatever_gamma_is()
    {
        using var scope = NewDisposeScope();
        var options = new DenseSpec(1, 20, 8, new OptimizerOptions(), null, InputNorm.L2, Of(CollaborationRemedy.None), 0);
        using var a = options.Create(3, CPU);
        using var b = options.Create(3, CPU);
        using var gen = new Generator(4);
        var pos = rand(16, 20, generator: gen);
        var neg = rand(16, 20, generator: gen);
        var (_, own) = a.Step(pos, neg);
        var (_, cumulative) = b.Step(pos, neg, full(16, KeptScalars.Of(50f)), full(16, KeptScalars.Of(-50f)));
        Assert.Equal(own.Separation, cumulative.Separation);
        Assert.Equal(own.GoodPos, cumulative.GoodPos);
        Assert.NotEqual(own.Loss, cumulative.Loss);
    }
}
