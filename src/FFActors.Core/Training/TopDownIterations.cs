using FFActors.Core.Platform;
using FFActors.Core.Layers;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// Synchronous iterations of a network whose layers hear the layer above (<see cref="LayerSpec.TopDown"/>), as Core's
/// trainer and scorer run them. The runtime's layer actors make the same calls, each for its own layer, with the
/// neighbours' states arriving as messages (bottom-up from the layer below, top-down from the layer above), so both end
/// with bitwise the same tensors. The helpers below are the steps both share.
/// </summary>
public static class TopDownIterations
{
    /// <summary>What layer <paramref name="layer"/> sends the layer below after an iteration: its <see cref="IFFLayer.Publish"/>
    /// of <see cref="SignalNames.TopDown"/>. The tensors belong to the caller's dispose scope.</summary>
    public static Dictionary<string, Tensor> Down(IFFLayer layer, LayerOutput state) =>
        layer.Publish(state.Positive, state.Negative, SignalNames.TopDown).ToDictionary(p => p.Kind, p => p.Values);

    /// <summary>The same for one stream (a scored overlay): the layer's top-down activity for the positives' slot.</summary>
    public static Tensor Down(IFFLayer layer, Tensor state) =>
        layer.Publish(state, state, [SignalNames.TopDownPositive]).Single().Values;

    /// <summary>The step input of iteration <paramref name="t"/>: the bottom-up inputs <paramref name="below"/> (iteration 0: the
    /// layer below's output of the pass; later: its state at t − 1), the layer's own state at t − 1 and what the layer above
    /// sent at t − 1 (null at iteration 0 and for the top layer).</summary>
    public static StepInput Input(int t, LayerOutput below, Tensor? labels, LayerOutput? previous, IReadOnlyDictionary<string, Tensor>? above) =>
        new(below.Positive, below.Negative, labels, Signals: above, Iteration: t, Previous: previous);

    /// <summary>Adds layer <paramref name="layer"/>'s goodness of <paramref name="state"/> to its running sum when iteration
    /// <paramref name="t"/> is scored (the first scored iteration starts the sum).</summary>
    public static Tensor? AddScore(IFFLayer layer, TopDownSchedule schedule, int t, Tensor state, Tensor? sum)
    {
        if (!schedule.Scored(t)) return sum;
        var g = layer.Score(state);
        return sum is null ? g : sum.add(g, KeptScalars.One);
    }

    /// <summary>
    /// One training batch: the bottom-up pass, <see cref="TopDownSchedule.Iterations"/> synchronous iterations (each
    /// layer's <see cref="IFFLayer.Begin"/> per iteration, from the weights before the batch's update), then each layer's
    /// update. Returns each layer's statistics (the kind's summary over the iterations).
    /// </summary>
    public static LayerStepStats[] Train(IReadOnlyList<IFFLayer> layers, TopDownSchedule schedule, Tensor pos, Tensor neg, Tensor? labels)
    {
        int count = layers.Count;
        var input = new LayerOutput(pos, neg);
        var states = new LayerOutput[count];
        var steps = new PendingStep[count];
        for (int l = 0; l < count; l++)
        {
            steps[l] = layers[l].Begin(Input(0, l == 0 ? input : states[l - 1], labels, null, null));
            states[l] = steps[l].Output;
        }
        for (int t = 1; t <= schedule.Iterations; t++)
        {
            var next = new LayerOutput[count];
            for (int l = 0; l < count; l++)
            {
                var above = l + 1 < count ? Down(layers[l + 1], states[l + 1]) : null;
                steps[l] = layers[l].Begin(Input(t, l == 0 ? input : states[l - 1], labels, states[l], above));
                next[l] = steps[l].Output;
            }
            states = next;
        }
        for (int l = 0; l < count; l++) layers[l].Finish(steps[l]);
        return steps.Select(s => s.Stats).ToArray();
    }

    /// <summary>
    /// The settled states of one input (what a softmax head or a probe reads): every layer iterates without learning, and
    /// each layer's state at the last scored iteration is returned. The tensors belong to the caller's dispose scope.
    /// </summary>
    public static Tensor[] Settle(IReadOnlyList<IFFLayer> layers, TopDownSchedule schedule, Tensor x)
    {
        using var _ = no_grad();
        int count = layers.Count;
        var states = new Tensor[count];
        for (int l = 0; l < count; l++) states[l] = layers[l].Infer(l == 0 ? x : states[l - 1], null, null, 0);
        for (int t = 1; t <= schedule.ScoreTo; t++)
        {
            var next = new Tensor[count];
            for (int l = 0; l < count; l++)
            {
                var above = l + 1 < count ? Down(layers[l + 1], states[l + 1]) : null;
                next[l] = layers[l].Infer(l == 0 ? x : states[l - 1], states[l], above, t);
            }
            states = next;
        }
        return states;
    }

    /// <summary>
    /// Goodness scoring of one overlay <paramref name="x"/>: every layer iterates without learning; returns, for each layer
    /// in <paramref name="scored"/>, its goodness summed over the scored iterations [B]. The tensors belong to the
    /// caller's dispose scope.
    /// </summary>
    public static Tensor[] Score(IReadOnlyList<IFFLayer> layers, TopDownSchedule schedule, Tensor x, int[] scored)
    {
        using var _ = no_grad();
        int count = layers.Count;
        var states = new Tensor[count];
        var sums = new Tensor?[count];
        for (int l = 0; l < count; l++) states[l] = layers[l].Infer(l == 0 ? x : states[l - 1], null, null, 0);
        for (int t = 1; t <= schedule.Iterations; t++)
        {
            var next = new Tensor[count];
            for (int l = 0; l < count; l++)
            {
                var above = l + 1 < count ? Down(layers[l + 1], states[l + 1]) : null;
                next[l] = layers[l].Infer(l == 0 ? x : states[l - 1], states[l], above, t);
                sums[l] = AddScore(layers[l], schedule, t, next[l], sums[l]);
            }
            states = next;
        }
        return scored.Select(l => sums[l] ?? throw new InvalidOperationException($"layer {l}: no scored iteration")).ToArray();
    }
}
