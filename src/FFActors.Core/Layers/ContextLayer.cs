using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// An FF layer that carries the label context (<see cref="LabelContext"/>): its module maps an input
/// [B, classes + F] (layer 0: the overlaid image) to [B, classes + H], the context followed by the H units'
/// activities. It learns from positives and negatives like a dense layer: goodness, θ, the loss and peer
/// normalisation are the model's; the kind decides the loss of a step (<see cref="StepLoss"/>) and the update is
/// autograd's and TorchSharp's optimizer step. Scoring and features read the units only, so goodness scoring is
/// one pass per overlaid label, as for dense FF.
/// </summary>
public abstract class ContextLayer : FFLayer
{
    protected ContextLayer(LayerSpec spec, long seed, Device device, Objective objective, InputNorm inputNorm, double peerNorm, int classes)
        : base(spec, seed, device)
    {
        Objective = objective;
        InputNorm = inputNorm;
        PeerNorm = peerNorm;
        Classes = classes;
    }

    public Objective Objective { get; }

    public InputNorm InputNorm { get; }

    public double PeerNorm { get; }

    /// <summary>Width of the label context in front of the activities.</summary>
    public int Classes { get; }

    /// <summary>The units' activities of a layer output [B, classes + H]: [B, H].</summary>
    public Tensor Units(Tensor output) => LabelContext.After(output, Classes);

    public override Tensor Score(Tensor h) => Objective.GoodnessOf(Units(h));

    public override Tensor Features(Tensor h) => FFDenseLayer.Readout(Units(h), InputNorm);

    /// <summary>
    /// The loss the update follows, from the forward of the positives and the negatives (their graphs reach the
    /// parameters; the peer-normalisation term is added by the caller).
    /// </summary>
    protected abstract Tensor StepLoss(StepInput input, ContextForward positive, ContextForward negative);

    public override PendingStep Begin(StepInput input)
    {
        if (!Learning) return FrozenStep(input);
        Module.train();
        var pos = Split(Module.forward(input.Positive));
        var neg = Split(Module.forward(input.Negative));
        var loss = StepLoss(input, pos, neg);
        if (PeerNorm > 0) loss = loss.add(PeerTerm(pos.Units), KeptScalars.One);
        var stats = StatsOf(loss.detach(), pos.Goodness.detach().mean(), neg.Goodness.detach().mean(),
            Objective.Separation(pos.Goodness.detach(), neg.Goodness.detach()), DeadUnits(pos.Units));
        return new PendingStep(new LayerOutput(pos.Output.detach(), neg.Output.detach()), stats, loss);
    }

    public override void Finish(PendingStep step)
    {
        if (step.Loss is not { } loss) return;
        Optimizer.zero_grad();
        loss.backward();
        Optimizer.step();
    }

    ContextForward Split(Tensor output)
    {
        var units = Units(output);
        return new ContextForward(output, output.narrow(1, 0, Classes), units, Objective.GoodnessOf(units));
    }

    /// <summary>
    /// Hinton's peer normalisation, as the dense layer has it: each unit's running mean activity (kept in the units'
    /// part of <see cref="FFLayer.State"/>; the context's part is unused) is pulled toward the layer's average.
    /// </summary>
    Tensor PeerTerm(Tensor units)
    {
        long width = units.shape[1];
        var mean = State.narrow(0, Classes, width).mul(KeptScalars.Of(0.9)).add(units.mean([0]).mul(KeptScalars.Of(0.1)), KeptScalars.One);
        var term = (mean.mean() - mean).Squared().mean().mul(KeptScalars.Of(PeerNorm));
        SetState(cat([State.narrow(0, 0, Classes), mean.detach()]));
        return term;
    }

    /// <summary>Outside its ILT window the layer forwards and reports the FF loss, without an update.</summary>
    PendingStep FrozenStep(StepInput input)
    {
        var outPos = Forward(input.Positive);
        var outNeg = Forward(input.Negative);
        var gPos = Score(outPos);
        var gNeg = Score(outNeg);
        var stats = StatsOf(Objective.LossOf(gPos, gNeg, input.CollabPositive, input.CollabNegative), gPos.mean(), gNeg.mean(),
            Objective.Separation(gPos, gNeg), DeadUnits(Units(outPos)));
        return new PendingStep(new LayerOutput(outPos, outNeg), stats, null);
    }
}

/// <summary>One side (positives or negatives) of a context layer's forward: the whole output, its context [B, classes],
/// the units' activities [B, H] and their goodness [B], all still on the autograd graph.</summary>
public sealed record ContextForward(Tensor Output, Tensor Context, Tensor Units, Tensor Goodness);
