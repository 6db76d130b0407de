using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// The training step of a dense FF layer with its matmuls and its per-unit work in row blocks (<see cref="GemmChunks"/>),
/// outside autograd, so that idle threads can run blocks (<see cref="IChunkRunner"/>). Autograd sees only the loss as
/// a function of the goodness g (and of m, the positives' batch-mean activity, for peer normalisation), so every
/// objective, γ and remedy works unchanged. With z = x̂·Wᵀ + b, h = ReLU(z) and ∂g/∂h = s·h (<see cref="Objective.GoodnessSlope"/>):
/// <code>
/// ∂L/∂z = (s·∂L/∂g ⊙ h + ∂L/∂m / B) ⊙ [h &gt; 0],   ∂L/∂b = Σ_batch ∂L/∂z,   ∂L/∂W = ∂L/∂zᵀ·x̂
/// </code>
/// Blocks are cut by shape only, so the bits do not depend on which thread ran which block.
/// </summary>
public static class DenseStep
{
    /// <summary>x̂ (<see cref="FFDenseLayer.LinearInput"/>), h and g of each input, by row blocks; nothing requires grad.</summary>
    public static DenseActivity Forward(FFDenseLayer layer, Objective objective, IReadOnlyList<Tensor> inputs, IChunkRunner runner)
    {
        using var _ = no_grad();
        var w = layer.Weight.detach();
        var b = layer.Bias.detach();
        var xs = new Tensor[inputs.Count];
        var hs = new Tensor[inputs.Count];
        var gs = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            var x = inputs[i];
            xs[i] = empty([x.shape[0], layer.InputSize], dtype: x.dtype, device: x.device);
            hs[i] = empty([x.shape[0], layer.OutputSize], dtype: x.dtype, device: x.device);
            gs[i] = empty([x.shape[0]], dtype: x.dtype, device: x.device);
        }
        var blocks = inputs.SelectMany((x, i) => Enumerable.Range(0, GemmChunks.Count(x.shape[0])).Select(k => (Input: i, Block: k))).ToArray();
        runner.Run(blocks.Length, j =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (i, k) = blocks[j];
            var (start, length) = GemmChunks.Bounds(inputs[i].shape[0], k);
            var xhat = xs[i].narrow(0, start, length);
            xhat.copy_(layer.LinearInput(inputs[i].narrow(0, start, length)));
            var h = hs[i].narrow(0, start, length);
            h.copy_(b.expand(length, layer.OutputSize));
            h.addmm_(xhat, w.t(), 1f, 1f);
            h.relu_();
            gs[i].narrow(0, start, length).copy_(objective.GoodnessOf(h));
        });
        return new DenseActivity(xs, hs, gs);
    }

    /// <summary>
    /// Writes the layer's parameter gradients from ∂L/∂g of each input (null: the loss does not reach it) and, for
    /// peer normalisation, ∂L/∂m of the first input's batch-mean activity; blocks of output units.
    /// </summary>
    public static void Backward(FFDenseLayer layer, Objective objective, DenseActivity a, IReadOnlyList<Tensor?> goodnessGrads,
        Tensor? meanGrad, IChunkRunner runner)
    {
        using var _ = no_grad();
        var used = Enumerable.Range(0, a.Activities.Count).Where(i => goodnessGrads[i] is not null && a.Activities[i].shape[0] > 0).ToArray();
        if (used.Length == 0) return;
        var gw = GradientOf(layer.Weight);
        var gb = GradientOf(layer.Bias);
        double slope = objective.GoodnessSlope(layer.OutputSize);
        var coefficients = used.Select(i => goodnessGrads[i]!.mul(KeptScalars.Of(slope)).unsqueeze(1)).ToArray();
        var peer = meanGrad?.div(KeptScalars.Of((double)a.Activities[0].shape[0]));
        var dz = used.Select(i => empty_like(a.Activities[i])).ToArray();
        runner.Run(GemmChunks.Count(layer.OutputSize), k =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (start, length) = GemmChunks.Bounds(layer.OutputSize, k);
            var gwBlock = gw.narrow(0, start, length);
            var gbBlock = gb.narrow(0, start, length);
            for (int u = 0; u < used.Length; u++)
            {
                int i = used[u];
                var h = a.Activities[i].narrow(1, start, length);
                var d = dz[u].narrow(1, start, length);
                d.copy_(h).mul_(coefficients[u]);
                // Without the peer term d is already 0 wherever h = 0 (ReLU), so only that term needs the mask.
                if (i == 0 && peer is not null) d.add_(peer.narrow(0, start, length)).mul_(h.gt(KeptScalars.Of(0.0)));
                if (u == 0) gbBlock.copy_(d.sum([0]));
                else gbBlock.add_(d.sum([0]));
                gwBlock.addmm_(d.t(), a.Inputs[i], u == 0 ? 0f : 1f, 1f);
            }
        });
    }

    static Tensor GradientOf(Tensor parameter)
    {
        if (parameter.grad is { } g) return g;
        parameter.grad = zeros_like(parameter);
        return parameter.grad!;
    }
}
