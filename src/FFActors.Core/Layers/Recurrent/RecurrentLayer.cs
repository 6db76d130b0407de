using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// Recurrent FF: a layer stepped once per iteration of a batch (<see cref="TopDownIterations"/>). Iteration 0 is the
/// bottom-up pass, without learning; at every later iteration the FF loss of the new state's goodness (positives carry
/// their label at the top, negatives a wrong one) is back-propagated into the layer's own weights only (the states it
/// read are detached), and the gradients of all iterations are summed, scaled by 1/T, into one update at the batch's end
/// (<see cref="Finish"/>). The statistics are the means over the iterations.
/// </summary>
public sealed class RecurrentLayer(RecurrentSpec spec, long seed, Device device) : FFLayer(spec, seed, device)
{
    readonly double[] sums = new double[5];

    public new RecurrentSpec Spec { get; } = spec;

    RecurrentModule Recurrent => (RecurrentModule)Module;

    Objective Objective => Spec.Objective;

    int Classes => Spec.Options.Classes;

    public override Tensor? InputWeights => Recurrent.BottomUpWeight;

    /// <summary>The units of an output [B, classes + H]: [B, H].</summary>
    public Tensor Units(Tensor output) => LabelContext.After(output, Classes);

    public override Tensor Score(Tensor h) => Objective.GoodnessOf(Units(h));

    public override Tensor Features(Tensor h) => FFDenseLayer.Readout(Units(h), Spec.InputNorm);

    /// <summary>The layer below hears this layer's units (it normalises them itself, as it does its bottom-up input).</summary>
    public override IEnumerable<(string Kind, Tensor Values)> Publish(Tensor hPos, Tensor hNeg, IReadOnlyCollection<string> kinds) =>
        kinds.Select(kind => kind switch
        {
            SignalNames.TopDownPositive => (kind, Units(hPos).contiguous()),
            SignalNames.TopDownNegative => (kind, Units(hNeg).contiguous()),
            _ => base.Publish(hPos, hNeg, [kind]).Single(),
        }).ToArray();

    /// <summary>What the units hear from above: the top layer the label context of its input, the others what the layer
    /// above sent (required: a missing top-down input is a protocol error, not silence).</summary>
    Tensor? Above(Tensor below, Tensor? sent)
    {
        if (!Recurrent.HearsAbove) return null;
        if (Spec.Top) return LabelContext.Of(below, Classes);
        return sent ?? throw new ArgumentException($"layer {Spec.Index}: iteration without the top-down input of layer {Spec.Index + 1}");
    }

    static Tensor Previous(Tensor? previous, int index) =>
        previous ?? throw new ArgumentException($"layer {index}: an iteration after the bottom-up pass needs the layer's previous state");

    public override Tensor Infer(Tensor below, Tensor? previous, Tensor? above, int iteration)
    {
        if (iteration == 0) return Forward(below);
        using var _ = no_grad();
        Module.eval();
        return Recurrent.Iterate(below, Units(Previous(previous, Spec.Index)), Above(below, above), Spec.Options.Damping);
    }

    public override PendingStep Begin(StepInput input)
    {
        int t = input.Iteration;
        if (t == 0)
        {
            // A new batch: its gradients start from zero and are summed over its iterations.
            Array.Clear(sums);
            if (Learning) Optimizer.zero_grad();
            return new PendingStep(new LayerOutput(Forward(input.Positive), Forward(input.Negative)), default, null);
        }
        var previous = input.Previous ?? throw new ArgumentException($"layer {Spec.Index}: iteration {t} without the previous state");
        Tensor? sentPos = null, sentNeg = null;
        input.Signals?.TryGetValue(SignalNames.TopDownPositive, out sentPos);
        input.Signals?.TryGetValue(SignalNames.TopDownNegative, out sentNeg);
        Tensor pos, neg;
        using (Learning ? null : no_grad())
        {
            if (Learning) Module.train();
            else Module.eval();
            pos = Recurrent.Iterate(input.Positive, Units(previous.Positive), Above(input.Positive, sentPos), Spec.Options.Damping);
            neg = Recurrent.Iterate(input.Negative, Units(previous.Negative), Above(input.Negative, sentNeg), Spec.Options.Damping);
        }
        var gPos = Score(pos);
        var gNeg = Score(neg);
        var loss = Objective.LossOf(gPos, gNeg);
        if (Learning) loss.div(KeptScalars.Of((double)Spec.Options.Iterations)).backward();
        var now = StatsOf(loss.detach(), gPos.detach().mean(), gNeg.detach().mean(), Objective.Separation(gPos.detach(), gNeg.detach()), DeadUnits(Units(pos)));
        double[] values = [now.Loss, now.GoodPos, now.GoodNeg, now.Separation, now.DeadUnits];
        for (int i = 0; i < sums.Length; i++) sums[i] += values[i];
        var mean = new LayerStepStats(sums[0] / t, sums[1] / t, sums[2] / t, sums[3] / t, sums[4] / t);
        bool last = t == Spec.Options.Iterations;
        return new PendingStep(new LayerOutput(pos.detach(), neg.detach()), mean, last && Learning ? loss.detach() : null);
    }

    /// <summary>The update from the gradients summed over the batch's iterations (none outside the layer's ILT window).</summary>
    public override void Finish(PendingStep step)
    {
        if (step.Loss is null) return;
        Optimizer.step();
    }
}
