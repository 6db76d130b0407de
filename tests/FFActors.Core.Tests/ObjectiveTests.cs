using FFActors.Core.Objectives;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;
using static FFActors.Core.Tests.TestSetup;

namespace FFActors.Core.Tests;

public class ObjectiveTests
{
    // h rows: [1, 2, 0, -2] → Σh² = 9; [3, 0, 1, 0] → 10; [0.5, 0.5, 0.5, 0.5] → 1.
    static Tensor H() => tensor(new float[] { 1, 2, 0, -2, 3, 0, 1, 0, 0.5f, 0.5f, 0.5f, 0.5f }, [3, 4]);

    [Fact]
    public void Sum_goodness_is_the_sum_of_squares_per_row()
    {
        using var scope = NewDisposeScope();
        var g = Floats(new Objective(GoodnessKind.Sum, 0, LossKind.Softplus).GoodnessOf(H()));
        Assert.Equal(new float[] { 9, 10, 1 }, g);
    }

    [Fact]
    public void Mean_goodness_is_the_mean_of_squares_per_row()
    {
        using var scope = NewDisposeScope();
        var g = Floats(new Objective(GoodnessKind.Mean, 0, LossKind.Softplus).GoodnessOf(H()));
        Assert.Equal(9 / 4.0, g[0], 6);
        Assert.Equal(10 / 4.0, g[1], 6);
        Assert.Equal(1 / 4.0, g[2], 6);
    }

    // θ = 4; positives g⁺ = [5, 10], negatives g⁻ = [3, 6, 2] (different batch sizes on purpose:
    // the two loss forms weight the halves differently then).
    static readonly double[] GPos = [5, 10];
    static readonly double[] GNeg = [3, 6, 2];
    const double Theta = 4;

    static Tensor T(double[] v) => tensor(v.Select(d => (float)d).ToArray());

    [Fact]
    public void Softplus_loss_is_the_mean_over_all_logits()
    {
        using var scope = NewDisposeScope();
        var loss = new Objective(GoodnessKind.Sum, Theta, LossKind.Softplus).LossOf(T(GPos), T(GNeg)).item<float>();
        var terms = GPos.Select(g => Softplus(Theta - g)).Concat(GNeg.Select(g => Softplus(g - Theta))).ToArray();
        double expected = terms.Average(); // (sp(-1) + sp(-6) + sp(-1) + sp(2) + sp(-2)) / 5
        Assert.Equal(expected, loss, 5);
        Assert.Equal(0.576571, expected, 5); // guard the hand computation itself
    }

    [Fact]
    public void Logistic_loss_is_the_sum_of_the_two_means()
    {
        using var scope = NewDisposeScope();
        var loss = new Objective(GoodnessKind.Sum, Theta, LossKind.Logistic).LossOf(T(GPos), T(GNeg)).item<float>();
        double expected = GPos.Average(g => Softplus(Theta - g)) + GNeg.Average(g => Softplus(g - Theta));
        Assert.Equal(expected, loss, 5);
        Assert.Equal(1.013575, expected, 5); // (sp(-1) + sp(-6)) / 2 + (sp(-1) + sp(2) + sp(-2)) / 3
    }

    [Fact]
    public void Logistic_is_twice_softplus_for_equal_batch_sizes()
    {
        using var scope = NewDisposeScope();
        var pos = tensor(new float[] { 1, 7, 3 });
        var neg = tensor(new float[] { 2, 0.5f, 9 });
        double sp = new Objective(GoodnessKind.Sum, 3, LossKind.Softplus).LossOf(pos, neg).item<float>();
        double lg = new Objective(GoodnessKind.Sum, 3, LossKind.Logistic).LossOf(pos, neg).item<float>();
        Assert.Equal(2 * sp, lg, 5);
    }

    [Theory]
    [InlineData(LossKind.Softplus)]
    [InlineData(LossKind.Logistic)]
    public void Collaboration_terms_shift_the_logits(LossKind kind)
    {
        using var scope = NewDisposeScope();
        double[] cPos = [0.5, -2];
        double[] cNeg = [1, -1.5, 0.25];
        var loss = new Objective(GoodnessKind.Sum, Theta, kind).LossOf(T(GPos), T(GNeg), T(cPos), T(cNeg)).item<float>();

        // logit = g + s·γ − θ; positives pay softplus(−logit), negatives softplus(logit).
        var posTerms = GPos.Select((g, i) => Softplus(-(g + cPos[i] - Theta))).ToArray();
        var negTerms = GNeg.Select((g, i) => Softplus(g + cNeg[i] - Theta)).ToArray();
        double expected = kind == LossKind.Softplus
            ? posTerms.Concat(negTerms).Average()
            : posTerms.Average() + negTerms.Average();
        Assert.Equal(expected, loss, 5);

        double without = new Objective(GoodnessKind.Sum, Theta, kind).LossOf(T(GPos), T(GNeg)).item<float>();
        Assert.NotEqual(without, loss, 3);
    }

    [Fact]
    public void Loss_gradient_raises_positive_and_lowers_negative_goodness()
    {
        using var scope = NewDisposeScope();
        var pos = tensor(new float[] { 3, 5 }, requires_grad: true);
        var neg = tensor(new float[] { 3, 5 }, requires_grad: true);
        new Objective(GoodnessKind.Sum, 4, LossKind.Softplus).LossOf(pos, neg).backward();
        Assert.All(Floats(pos.grad!), g => Assert.True(g < 0, $"d loss / d g⁺ = {g} should be negative"));
        Assert.All(Floats(neg.grad!), g => Assert.True(g > 0, $"d loss / d g⁻ = {g} should be positive"));
        // d/dg⁺ softplus(θ − g⁺)/4 = −σ(θ − g⁺)/4
        Assert.Equal(-1 / (1 + Math.Exp(-(4.0 - 3))) / 4, Floats(pos.grad!)[0], 5);
    }
}
