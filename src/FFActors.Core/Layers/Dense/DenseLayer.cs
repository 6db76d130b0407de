using FFActors.Core.Kernels;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A dense Forward-Forward layer and its local learning step (Hinton 2022, §2). Per batch of positive data x⁺ and
/// negative data x⁻:
/// <code>
/// h = ReLU(W·norm(x) + b)                 forward: the layer sees only the direction of its input
/// g = Σ h² (or mean h²)                   goodness of each sample
/// L = softplus(θ − g⁺) + softplus(g⁻ − θ)  positives above θ, negatives below (Objective: also SymBa, γ terms)
///   + λ·peer-normalisation term           keeps every unit's mean activity near the layer's mean
/// W, b ← optimizer step on ∂L/∂W, ∂L/∂b   the gradient never leaves the layer
/// </code>
/// <see cref="Begin"/> and <see cref="Finish"/> are that step, split at the update. The forward and the update go through
/// the layer's <see cref="IDenseKernel"/>: <see cref="ReferenceDenseKernel"/> (autograd, below) is the definition; the
/// blocked kernel computes the same step faster and is held to this one by tests.
/// </summary>
public sealed class DenseLayer : FFLayer
{
    readonly IDenseKernel kernel;

    public DenseLayer(DenseSpec spec, long seed, Device device) : base(spec, seed, device)
    {
        Spec = spec;
        kernel = spec.Kernel switch
        {
            DenseKernel.Reference => ReferenceDenseKernel.Instance,
            DenseKernel.BlockedBf16 => BlockedDenseKernel.Bf16,
            _ => BlockedDenseKernel.Instance,
        };
    }

    public new DenseSpec Spec { get; }

    public FFDenseLayer Dense => (FFDenseLayer)Module;

    public Objective Objective => Spec.Objective;

    public override Tensor? InputWeights => Dense.Weight;

    public override Tensor Score(Tensor h) => Objective.GoodnessOf(h);

    /// <summary>What a softmax head or a probe reads: the activities under the layer's own input normalisation (L2 without one).</summary>
    public override Tensor Features(Tensor h) => FFDenseLayer.Readout(h, Spec.InputNorm);

    public override PendingStep Begin(StepInput input)
    {
        if (!Learning) return FrozenStep(input);
        Module.train();
        var f = kernel.Forward(this, input.Positive, input.Negative, withBatchMean: Spec.PeerNorm > 0);
        var loss = Objective.LossOf(f.GoodPos, f.GoodNeg, input.CollabPositive, input.CollabNegative);
        if (f.BatchMean is { } batchMean)
        {
            // Hinton's peer normalisation (as in loeweX): keep every unit's running mean activity
            // near the layer's average so no unit is always off or always on.
            var mean = State.mul(KeptScalars.Of(0.9)).add(batchMean.mul(KeptScalars.Of(0.1)), KeptScalars.One);
            loss = loss.add((mean.mean() - mean).Squared().mean().mul(KeptScalars.Of(Spec.PeerNorm)), KeptScalars.One);
            SetState(mean.detach());
        }
        var stats = StatsOf(loss.detach(), f.GoodPos.detach().mean(), f.GoodNeg.detach().mean(),
            Objective.Separation(f.GoodPos.detach(), f.GoodNeg.detach()), DeadUnits(f.HPos));
        // The output gets tensors of its own (sharing storage): a pipeline hands them to the next layer, which may
        // dispose of them while this layer's update still reads the activities.
        return new PendingStep(new LayerOutput(f.HPos.detach(), f.HNeg.detach()), stats, loss, f);
    }

    public override void Finish(PendingStep step)
    {
        if (step.Loss is not { } loss) return;
        kernel.Update(this, (DenseForward)step.Kernel!, loss);
    }

    /// <summary>Outside its ILT window the layer forwards and reports, without an update.</summary>
    PendingStep FrozenStep(StepInput input)
    {
        var hPos = Forward(input.Positive);
        var hNeg = Forward(input.Negative);
        var gPos = Objective.GoodnessOf(hPos);
        var gNeg = Objective.GoodnessOf(hNeg);
        var stats = StatsOf(Objective.LossOf(gPos, gNeg, input.CollabPositive, input.CollabNegative), gPos.mean(), gNeg.mean(),
            Objective.Separation(gPos, gNeg), DeadUnits(hPos));
        return new PendingStep(new LayerOutput(hPos, hNeg), stats, null);
    }
}

/// <summary>
/// The forward of a learning dense layer: activities h⁺, h⁻ and their goodness g⁺, g⁻ (whose graph reaches the loss),
/// the positives' batch-mean activity when peer normalisation needs it, and what the kernel keeps for its update.
/// </summary>
public sealed record DenseForward(Tensor HPos, Tensor HNeg, Tensor GoodPos, Tensor GoodNeg, Tensor? BatchMean, DenseActivity? Blocks = null);

/// <summary>How a learning dense layer computes its forward and its update (see <see cref="DenseLayer"/>).</summary>
public interface IDenseKernel
{
    DenseForward Forward(DenseLayer layer, Tensor pos, Tensor neg, bool withBatchMean);

    void Update(DenseLayer layer, DenseForward forward, Tensor loss);
}

/// <summary>The definition: the module's forward under autograd, <c>loss.backward()</c>, the optimizer's own step.</summary>
public sealed class ReferenceDenseKernel : IDenseKernel
{
    public static ReferenceDenseKernel Instance { get; } = new();

    public DenseForward Forward(DenseLayer layer, Tensor pos, Tensor neg, bool withBatchMean)
    {
        var hPos = layer.Module.forward(pos);
        var hNeg = layer.Module.forward(neg);
        return new DenseForward(hPos, hNeg, layer.Objective.GoodnessOf(hPos), layer.Objective.GoodnessOf(hNeg),
            withBatchMean ? hPos.mean([0]) : null);
    }

    public void Update(DenseLayer layer, DenseForward forward, Tensor loss)
    {
        layer.Optimizer.zero_grad();
        loss.backward();
        layer.Optimizer.step();
    }
}
