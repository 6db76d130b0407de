using FFActors.Core.Layers;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Tests.Variants;

/// <summary>Distance-Forward: class goodness = negative squared distance to learnable class centres, N-pair margin loss, single pass.</summary>
public class DistanceForwardTests
{
    [Fact]
    public void Class_scores_are_scaled_negative_mean_squared_distances_to_the_centres()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(5);
        using var layer = new DistanceModule(12, 6, InputNorm.L2, new DistanceOptions(Classes: 3, Scale: 4), gen);
        var h = layer.forward(randn(5, 12, generator: gen));
        var s = layer.ClassScores(h);
        Assert.Equal([5L, 3], s.shape);
        Assert.True(s.le(KeptScalars.Of(0)).all().item<bool>());
        // Against a direct distance to centre 2.
        var direct = h.sub(layer.Centres[2].unsqueeze(0)).pow(KeptScalars.Of(2)).mean([1]).mul(KeptScalars.Of(-4.0));
        Assert.True(s.select(1, 2).allclose(direct, rtol: 1e-5, atol: 1e-6));
        // The centres are learnable parameters of the layer (its own optimizer moves them).
        Assert.Contains(layer.parameters(), p => p.shape.SequenceEqual(new long[] { 3, 6 }));
    }

    [Fact]
    public void Margin_loss_is_zero_gradient_on_its_own_centre_far_from_the_others_and_large_on_the_wrong_one()
    {
        using var scope = NewDisposeScope();
        var centres = tensor(new float[] { 0, 0, 10, 0, 0, 10 }, [3, 2]);
        var labels = tensor(new long[] { 1, 2 });
        var h = tensor(new float[] { 10, 0, 0, 10 }, [2, 2]).requires_grad_();
        var loss = DistanceModule.MarginLoss(DistanceModule.ClassScores(h, centres, 1.0), labels, margin: 1.0);
        loss.backward();
        Assert.True(loss.item<float>() < 1e-6, $"loss {loss.item<float>()}");
        Assert.True(h.grad!.abs().max().item<float>() < 1e-6);

        // The same activities labelled with the wrong classes: per sample log(1 + Σ exp(g_c − g_y + m)) ≈ 51 and 101.
        var wrong = DistanceModule.MarginLoss(DistanceModule.ClassScores(h.detach(), centres, 1.0), tensor(new long[] { 0, 1 }), 1.0).item<float>();
        Assert.InRange(wrong, 75.0, 77.0);
    }

    [Fact]
    public void Margin_loss_equals_the_n_pair_formula()
    {
        using var scope = NewDisposeScope();
        // g = [-1, -3, -2] for label 0, margin 0.5: log(1 + e^{-3+0.5+1} + e^{-2+0.5+1}).
        var g = tensor(new float[] { -1, -3, -2 }, [1, 3]);
        double expected = Math.Log(1 + Math.Exp(-1.5) + Math.Exp(-0.5));
        Assert.Equal(expected, DistanceModule.MarginLoss(g, tensor(new long[] { 0 }), 0.5).item<float>(), 5);
    }
}
