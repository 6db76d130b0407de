using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// Three-factor FF's modulation M from a probe pass of the batch (the weights before its update): the top layer's readout
/// (and critic) or every layer's goodness, turned into rows [L, B] of modulation+ and modulation- (row ℓ for layer ℓ).
/// The same arithmetic runs in Core's trainer and in the actor runtime's feeder; no layer ever reads another's weights,
/// only what the others published.
/// </summary>
/// <param name="Thresholds">θ of every layer (layer agreement).</param>
public sealed class ModulationRule(ThreeFactorOptions options, double[] thresholds) : IProbeRule
{
    readonly int layers = thresholds.Length;
    int Top => layers - 1;
    bool Seed => options.Formulation == ModulationFormulation.Seed;

    public IReadOnlyList<SignalDemand> Demands => options.Modulation switch
    {
        Modulation.TopDown => Seed
            ? [new(ThreeFactorLayer.ReadoutPositive, [Top]), new(ThreeFactorLayer.ReadoutNegative, [Top])]
            : [new(ThreeFactorLayer.ReadoutPositive, [Top])],
        Modulation.LayerAgreement => Seed ? ExactGammaRule.GoodnessOfAll(layers) : [ExactGammaRule.GoodnessOfAll(layers)[0]],
        Modulation.RewardPrediction => [new(ThreeFactorLayer.ReadoutPositive, [Top]), new(ThreeFactorLayer.ValuePositive, [Top])],
        _ => [],
    };

    public void Compute(IReadOnlyDictionary<string, Tensor?[]> published, Tensor? labels, IDictionary<string, Tensor> rows)
    {
        Tensor Of(string kind, int layer) => published[kind][layer] ?? throw new InvalidOperationException($"probe: layer {layer} did not publish {kind}");
        Tensor Labels() => labels ?? throw new ArgumentException("three-factor modulation: the batch carries no labels");
        Tensor pos, neg;
        switch (options.Modulation)
        {
            case Modulation.TopDown:
                pos = Repeat(CorrectProbability(Of(ThreeFactorLayer.ReadoutPositive, Top), Labels()).sub(KeptScalars.Of(0.5)));
                // The seed's negatives: −(P(y) − 0.5) of the negative's own readout, with the positive's label y.
                neg = Seed ? Repeat(CorrectProbability(Of(ThreeFactorLayer.ReadoutNegative, Top), Labels()).sub(KeptScalars.Of(0.5)).neg()) : pos;
                break;
            case Modulation.LayerAgreement:
                pos = Agreement(ExactGammaRule.All(published, SignalNames.GoodnessPositive));
                neg = Seed ? Agreement(ExactGammaRule.All(published, SignalNames.GoodnessNegative)) : pos;
                break;
            case Modulation.RewardPrediction:
                var probabilities = Of(ThreeFactorLayer.ReadoutPositive, Top);
                var reward = probabilities.argmax(1).eq(Labels()).to(ScalarType.Float32);
                pos = Repeat(reward.sub(Of(ThreeFactorLayer.ValuePositive, Top)));
                neg = pos;
                break;
            default:
                throw new InvalidOperationException($"modulation {options.Modulation} has no probe rule");
        }
        rows[ThreeFactorLayer.ModulationPositive] = pos;
        // Corrected: each negative takes its own row's (its positive's) M (the layer checks that the counts match).
        if (ReferenceEquals(neg, pos)) neg = pos.clone();
        rows[ThreeFactorLayer.ModulationNegative] = neg;
    }

    /// <summary>P(y_i) of each row of class probabilities [B, C].</summary>
    static Tensor CorrectProbability(Tensor probabilities, Tensor labels) => probabilities.gather(1, labels.unsqueeze(1)).squeeze(1);

    /// <summary>One signal for every layer: [B] → [L, B].</summary>
    Tensor Repeat(Tensor m) => m.unsqueeze(0).repeat(layers, 1);

    /// <summary>M_ℓ = (2σ(g_ℓ − θ_ℓ) − 1)(2σ(g_n − θ_n) − 1), n = ℓ + 1 (ℓ − 1 for the top layer): [L, B].</summary>
    Tensor Agreement(IReadOnlyList<Tensor> goodness)
    {
        var verdicts = goodness.Select((g, l) => g.sub(KeptScalars.Of(thresholds[l])).sigmoid().mul(KeptScalars.Of(2.0)).sub(KeptScalars.One)).ToArray();
        if (layers == 1) return zeros_like(goodness[0]).unsqueeze(0);
        return stack(verdicts.Select((v, l) => v.mul(verdicts[l < layers - 1 ? l + 1 : l - 1])).ToArray());
    }
}
