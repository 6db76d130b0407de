using FFActors.Core.Layers;
using static TorchSharp.torch;

namespace FFActors.Core.Kernels;

/// <summary>
/// <see cref="DenseLayer"/>'s step with its matmuls, per-unit work and Adam update in row blocks outside autograd
/// (<see cref="DenseStep"/>, <see cref="AdamStep"/>), so that idle threads of a pipeline can run blocks. Autograd sees only
/// the loss as a function of the goodness (and of the peer term's batch mean), so every objective, γ and remedy works as
/// in the reference; the rest of the gradient is written out by hand. Held to <see cref="ReferenceDenseKernel"/> by tests.
/// </summary>
public sealed class BlockedDenseKernel(MatmulPrecision precision) : IDenseKernel
{
    public static BlockedDenseKernel Instance { get; } = new(MatmulPrecision.Float32);

    /// <summary>The same step with bfloat16 matmuls (<c>model.kernel = blocked-bf16</c>).</summary>
    public static BlockedDenseKernel Bf16 { get; } = new(MatmulPrecision.BFloat16);

    public DenseForward Forward(DenseLayer layer, Tensor pos, Tensor neg, bool withBatchMean)
    {
        var blocks = DenseStep.Forward(layer.Dense, layer.Objective, [pos, neg], layer.Chunks, precision);
        var (hPos, hNeg) = (blocks.Activities[0], blocks.Activities[1]);
        var batchMean = withBatchMean ? hPos.mean([0]).requires_grad_() : null;
        return new DenseForward(hPos, hNeg, blocks.Goodness[0].requires_grad_(), blocks.Goodness[1].requires_grad_(), batchMean, blocks);
    }

    public void Update(DenseLayer layer, DenseForward forward, Tensor loss)
    {
        layer.Optimizer.zero_grad();
        loss.backward();
        DenseStep.Backward(layer.Dense, layer.Objective, forward.Blocks!, [forward.GoodPos.grad, forward.GoodNeg.grad],
            forward.BatchMean?.grad, layer.Chunks, precision);
        AdamStep.Step(layer.Optimizer, layer.Chunks);
    }
}
