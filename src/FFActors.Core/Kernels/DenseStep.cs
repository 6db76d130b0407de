using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Kernels;

/// <summary>
/// The training step of a dense FF layer with its matmuls and its per-unit work in row blocks (<see cref="GemmChunks"/>),
/// outside autograd, so that idle threads can run blocks (<see cref="IChunkRunner"/>). Autograd sees only the loss as
/// a function of the goodness g (and of m, the positives' batch-mean activity, for peer normalisation), so every
/// objective, γ and remedy works unchanged. With z = x̂·Wᵀ + b (computed as r ⊙ (u·Wᵀ) + b, x̂ = r ⊙ u), h = ReLU(z) and
/// ∂g/∂h = s·h (<see cref="Objective.GoodnessSlope"/>):
/// <code>
/// ∂L/∂z = (s·∂L/∂g ⊙ h + ∂L/∂m / B) ⊙ [h &gt; 0],   ∂L/∂b = Σ_batch ∂L/∂z,   ∂L/∂W = ∂L/∂zᵀ·x̂
/// </code>
/// Blocks are cut by shape only, so the bits do not depend on which thread ran which block. The matmuls run in float32
/// or, as an option, in bfloat16 (<see cref="MatmulPrecision"/>). The forward blocks multiply
/// by a contiguous copy of Wᵀ made once per step: reading W transposed in place, the 125-row blocks of batch 1000 ran
/// 10 % (784→500) to 25 % (1000→1000) slower on one thread, more than the copy costs.
/// </summary>
public static class DenseStep
{
    /// <summary>
    /// The rows u and row scales r of each input's x̂ = r ⊙ u (<see cref="FFDenseLayer.LinearInputParts"/>), h and g;
    /// nothing requires grad. z = r ⊙ (u·Wᵀ) + b: the matmul reads the input as it comes and the scale follows, so x̂ is
    /// never written out (u is the input itself, but for SCFF's pair sums). The per-unit work runs in row blocks; the
    /// inputs' r and h are stacked, one input's rows after the other's, so the backward can read them as one batch.
    /// </summary>
    public static DenseActivity Forward(FFDenseLayer layer, Objective objective, IReadOnlyList<Tensor> inputs, IChunkRunner runner,
        MatmulPrecision? precision = null)
    {
        using var _ = no_grad();
        var matmul = precision ?? MatmulPrecision.Float32;
        var wT = matmul.Transposed(layer.Weight);
        var b = layer.Bias.detach();
        var parts = inputs.Select(layer.LinearInputParts).ToArray();
        // Own handles on the rows (the caller may dispose of its input tensors before the backward reads them), in the
        // matmuls' precision.
        var us = parts.Select(p => matmul.Operand(p.Rows)).ToArray();
        var r = parts[0].Scale is null ? null : cat(parts.Select(p => p.Scale!).ToArray());
        long total = inputs.Sum(x => x.shape[0]);
        var like = inputs[0];
        var h = empty([total, layer.OutputSize], dtype: like.dtype, device: like.device);
        var hs = new Tensor[inputs.Count];
        var rs = new Tensor?[inputs.Count];
        var gs = new Tensor[inputs.Count];
        long offset = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            long rows = inputs[i].shape[0];
            hs[i] = h.narrow(0, offset, rows);
            rs[i] = r?.narrow(0, offset, rows).unsqueeze(1);
            gs[i] = empty([rows], dtype: like.dtype, device: like.device);
            offset += rows;
        }
        var blocks = inputs.SelectMany((x, i) => Enumerable.Range(0, GemmChunks.Count(x.shape[0])).Select(k => (Input: i, Block: k))).ToArray();
        runner.Run(blocks.Length, j =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (i, k) = blocks[j];
            var (start, length) = GemmChunks.Bounds(inputs[i].shape[0], k);
            var hBlock = hs[i].narrow(0, start, length);
            matmul.MultiplyInto(hBlock, us[i].narrow(0, start, length), wT, accumulate: false); // h's uninitialised memory is not read
            if (rs[i] is { } scale) hBlock.mul_(scale.narrow(0, start, length));
            hBlock.add_(b, KeptScalars.One).relu_();
            gs[i].narrow(0, start, length).copy_(objective.GoodnessOf(hBlock));
        });
        return new DenseActivity(us, r, h, hs, gs);
    }

    /// <summary>
    /// Writes the layer's parameter gradients from ∂L/∂g of each input (null: the loss does not reach it) and, for
    /// peer normalisation, ∂L/∂m of the first input's batch-mean activity. The stacked rows are cut into blocks
    /// (<see cref="GemmChunks.Partials"/>) that each write a partial gradient; the partials are summed in a fixed order.
    /// </summary>
    public static void Backward(FFDenseLayer layer, Objective objective, DenseActivity a, IReadOnlyList<Tensor?> goodnessGrads,
        Tensor? meanGrad, IChunkRunner runner, MatmulPrecision? precision = null)
    {
        using var _ = no_grad();
        var matmul = precision ?? MatmulPrecision.Float32;
        var used = Enumerable.Range(0, a.Activities.Count).Where(i => goodnessGrads[i] is not null && a.Activities[i].shape[0] > 0).ToArray();
        if (used.Length == 0) return;
        // The stacked rows from the first input the loss reaches (the first input, for the peer term) to the last;
        // an input in between that it does not reach gets a zero coefficient.
        int first = meanGrad is not null ? 0 : used[0], last = used[^1];
        long firstRow = a.Activities.Take(first).Sum(h => h.shape[0]);
        var inRange = Enumerable.Range(first, last - first + 1).ToArray();
        long rows = inRange.Sum(i => a.Activities[i].shape[0]);
        var h = a.StackedActivities.narrow(0, firstRow, rows);
        var r = a.StackedScales?.narrow(0, firstRow, rows);
        var slope = KeptScalars.Of(objective.GoodnessSlope(layer.OutputSize));
        var coefficient = cat(inRange.Select(i => goodnessGrads[i]?.mul(slope) ?? zeros_like(a.Goodness[i])).ToArray()).unsqueeze(1);
        var peer = meanGrad?.div(KeptScalars.Of((double)a.Activities[0].shape[0]));
        long peerRows = peer is null ? 0 : a.Activities[0].shape[0]; // the first input's rows, at the start of the range

        var gw = GradientOf(layer.Weight);
        var gb = GradientOf(layer.Bias);
        int count = GemmChunks.Partials(rows);
        var partW = Enumerable.Range(0, count).Select(k => k == 0 ? gw : empty_like(gw)).ToArray();
        var partB = Enumerable.Range(0, count).Select(k => k == 0 ? gb : empty_like(gb)).ToArray();
        runner.Run(count, k =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (start, length) = GemmChunks.PartialBounds(rows, k);
            var hBlock = h.narrow(0, start, length);
            var d = hBlock.mul(coefficient.narrow(0, start, length));
            // Without the peer term d is already 0 wherever h = 0 (ReLU), so only that term needs the mask.
            long peerEnd = Math.Min(length, peerRows - start);
            if (peer is not null && peerEnd > 0)
                d.narrow(0, 0, peerEnd).add_(peer, KeptScalars.One).mul_(hBlock.narrow(0, 0, peerEnd).gt(KeptScalars.Of(0.0)));
            partB[k].copy_(d.sum([0]));
            // ∂L/∂W = ∂L/∂zᵀ·x̂ with x̂ = r ⊙ u: scale the rows of ∂L/∂z instead of u.
            if (r is not null) d.mul_(r.narrow(0, start, length).unsqueeze(1));
            // The block's rows may span inputs, each with its own u: one GEMM per piece, summed into the partial.
            bool firstPiece = true;
            long pieceStart = 0;
            foreach (int i in inRange)
            {
                var u = a.Rows[i];
                long from = Math.Max(start, pieceStart), to = Math.Min(start + length, pieceStart + u.shape[0]);
                if (to > from)
                {
                    matmul.MultiplyInto(partW[k], d.narrow(0, from - start, to - from).t(), u.narrow(0, from - pieceStart, to - from), accumulate: !firstPiece);
                    firstPiece = false;
                }
                pieceStart += u.shape[0];
            }
        });
        for (int k = 1; k < count; k++)
        {
            gw.add_(partW[k], KeptScalars.One);
            gb.add_(partB[k], KeptScalars.One);
        }
    }

    static Tensor GradientOf(Tensor parameter)
    {
        if (parameter.grad is { } g) return g;
        parameter.grad = zeros_like(parameter);
        return parameter.grad!;
    }
}

/// <summary>
/// A learning dense layer's forward (<see cref="DenseStep.Forward"/>), per input (positives first, then negatives): the
/// rows u the matmul read and their scales r (x̂ = r ⊙ u; no scales without input normalisation), the activities h and
/// their goodness g. The loss's autograd graph starts at g (and, with peer normalisation, at the positives' batch-mean
/// activity): <see cref="DenseStep.Backward"/> does the rest. The inputs' r and h are stacked, one
/// input's rows after the other's (each input's h is a view of <paramref name="StackedActivities"/>), so the backward
/// reads them as one batch.
/// </summary>
public sealed record DenseActivity(IReadOnlyList<Tensor> Rows, Tensor? StackedScales, Tensor StackedActivities,
    IReadOnlyList<Tensor> Activities, IReadOnlyList<Tensor> Goodness);
