using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A three-factor FF layer (<see cref="ThreeFactorOptions"/>). Per batch of positives x⁺ and negatives x⁻:
/// <code>
/// h = ReLU(W·norm(x) + b), g = goodness(h)          the dense FF layer
/// g̃ = g · (1 + s · tanh M)                           M per sample: the batch's modulation+ / modulation- rows (or the
///                                                    seed's local reward), s the layer's learnable scale
/// L = FF loss of g̃⁺, g̃⁻ (and s·γ when collaborating) + peer normalisation
///   + top layer: CE(readout(ĥ⁺), y) [+ BCE(critic(ĥ⁺), r)] on its detached normalised activity ĥ⁺
/// </code>
/// Scoring, features and the next layer's input use the plain activity and goodness: M exists only while training.
/// Autograd and TorchSharp's optimizer step (the blocked dense kernel knows nothing of s and the readout).
/// </summary>
public sealed class ThreeFactorLayer : FFLayer
{
    /// <summary>The modulation rows a layer reads (<see cref="StepInput.Signals"/>), one value per positive / negative.</summary>
    public const string ModulationPositive = "modulation+";
    public const string ModulationNegative = "modulation-";

    /// <summary>What a top layer publishes from a probe pass: its readout's class probabilities [B, C] of the positives and
    /// of the negatives, and its critic's predicted reward [B] of the positives.</summary>
    public const string ReadoutPositive = "readout+";
    public const string ReadoutNegative = "readout-";
    public const string ValuePositive = "value+";

    public ThreeFactorLayer(ThreeFactorSpec spec, long seed, Device device) : base(spec, seed, device) => Spec = spec;

    public new ThreeFactorSpec Spec { get; }

    public ThreeFactorModule Parts => (ThreeFactorModule)Module;

    public Objective Objective => Spec.Objective;

    public override Tensor? InputWeights => Parts.Dense.Weight;

    public override Tensor Score(Tensor h) => Objective.GoodnessOf(h);

    public override Tensor Features(Tensor h) => FFDenseLayer.Readout(h, Spec.InputNorm);

    public override IEnumerable<(string Kind, Tensor Values)> Publish(Tensor hPos, Tensor hNeg, IReadOnlyCollection<string> kinds)
    {
        using var _ = no_grad();
        var published = new List<(string, Tensor)>();
        foreach (var kind in kinds)
        {
            published.Add(kind switch
            {
                ReadoutPositive => (kind, ReadoutOf(hPos).softmax(1)),
                ReadoutNegative => (kind, ReadoutOf(hNeg).softmax(1)),
                ValuePositive => (kind, CriticOf(hPos)),
                _ => base.Publish(hPos, hNeg, [kind]).Single(),
            });
        }
        return published;
    }

    Tensor ReadoutOf(Tensor h) => (Parts.Readout ?? throw new InvalidOperationException($"layer {Spec.Index} has no readout")).forward(Features(h));

    /// <summary>The critic's predicted reward σ(critic(ĥ)) [B].</summary>
    Tensor CriticOf(Tensor h) => (Parts.Critic ?? throw new InvalidOperationException($"layer {Spec.Index} has no critic")).forward(Features(h)).squeeze(1).sigmoid();

    public override PendingStep Begin(StepInput input)
    {
        bool learning = Learning;
        using var frozen = learning ? null : no_grad();
        if (learning) Module.train();
        else Module.eval();
        var hPos = Parts.forward(input.Positive);
        var hNeg = Parts.forward(input.Negative);
        var gPos = Objective.GoodnessOf(hPos);
        var gNeg = Objective.GoodnessOf(hNeg);
        var (mPos, mNeg) = ModulationOf(input, (int)gPos.shape[0], (int)gNeg.shape[0], learning);
        var loss = ModulatedLoss(gPos, gNeg, mPos, mNeg, Parts.Scale, input);
        if (Spec.PeerNorm > 0)
        {
            // Hinton's peer normalisation, as in the dense layer.
            var mean = State.mul(KeptScalars.Of(0.9)).add(hPos.mean([0]).mul(KeptScalars.Of(0.1)), KeptScalars.One);
            loss = loss.add((mean.mean() - mean).Squared().mean().mul(KeptScalars.Of(Spec.PeerNorm)), KeptScalars.One);
            if (learning) SetState(mean.detach());
        }
        if (Parts.Readout is not null) loss = loss.add(ReadoutLoss(hPos.detach(), input.Labels), KeptScalars.One);
        var stats = StatsOf(loss.detach(), gPos.detach().mean(), gNeg.detach().mean(), Objective.Separation(gPos.detach(), gNeg.detach()), DeadUnits(hPos));
        return new PendingStep(new LayerOutput(hPos.detach(), hNeg.detach()), stats, learning ? loss : null);
    }

    /// <summary>The FF loss of the modulated goodness g̃ = g · (1 + s · tanh M) (plain g where M is null).</summary>
    public Tensor ModulatedLoss(Tensor gPos, Tensor gNeg, Tensor? mPos, Tensor? mNeg, Tensor scale, StepInput input) =>
        Objective.LossOf(Modulate(gPos, mPos, scale), Modulate(gNeg, mNeg, scale), input.CollabPositive, input.CollabNegative);

    static Tensor Modulate(Tensor g, Tensor? m, Tensor scale) => m is null ? g : g.mul(m.tanh().mul(scale).add(KeptScalars.One, KeptScalars.One));

    /// <summary>M of the positives and negatives: the batch's rows, the seed's local reward, or none.</summary>
    (Tensor? Positive, Tensor? Negative) ModulationOf(StepInput input, int positives, int negatives, bool learning)
    {
        var o = Parts.Options;
        if (o.LocalReward) return SeedReward(positives, negatives, learning);
        if (!o.ReadsSignal) return (null, null);
        Tensor Row(string name) => input.Signals?.GetValueOrDefault(name)
            ?? throw new ArgumentException($"layer {Spec.Index}: three-factor modulation {o.Modulation} needs the batch's '{name}' signal");
        var (mPos, mNeg) = (Row(ModulationPositive), Row(ModulationNegative));
        if (mPos.shape[0] != positives || mNeg.shape[0] != negatives)
            throw new ArgumentException($"layer {Spec.Index}: modulation for {mPos.shape[0]} positives and {mNeg.shape[0]} negatives, the batch has "
                + $"{positives} and {negatives} (the corrected formulation gives each negative its positive's M: one negative per positive)");
        return (mPos, mNeg);
    }

    /// <summary>
    /// The seed's reward prediction error, constant per branch: r = 1 for the positives, then 0 for the negatives, each
    /// minus the running expected reward E, which follows each with momentum m (the seed's order: M⁺ = 1 − E, E ← mE + (1−m),
    /// M⁻ = −E, E ← mE). E hovers near 0.5, so M⁺ ≈ +0.5 and M⁻ ≈ −0.5 for every sample.
    /// </summary>
    (Tensor Positive, Tensor Negative) SeedReward(int positives, int negatives, bool learning)
    {
        double m = Parts.Options.RewardMomentum;
        var e = Parts.ExpectedReward;
        var rpePos = e.neg().add(KeptScalars.One, KeptScalars.One);
        var afterPos = e.mul(KeptScalars.Of(m)).add(KeptScalars.Of(1 - m), KeptScalars.One);
        var rpeNeg = afterPos.neg();
        if (learning)
            using (no_grad())
                e.copy_(afterPos.mul(KeptScalars.Of(m)));
        return (rpePos.expand(positives), rpeNeg.expand(negatives));
    }

    /// <summary>The top layer's readout (and critic) loss on its detached normalised activity of the positives.</summary>
    Tensor ReadoutLoss(Tensor hPos, Tensor? labels)
    {
        var y = labels ?? throw new ArgumentException($"layer {Spec.Index}: the three-factor readout learns from the batch's labels");
        var features = Features(hPos);
        var logits = Parts.Readout!.forward(features);
        var loss = nn.functional.cross_entropy(logits, y);
        if (Parts.Critic is not { } critic) return loss;
        // The reward the critic learns to predict: whether the readout (before this update) gets the sample right.
        var reward = logits.detach().argmax(1).eq(y).to(ScalarType.Float32);
        return loss.add(nn.functional.binary_cross_entropy_with_logits(critic.forward(features).squeeze(1), reward), KeptScalars.One);
    }

    public override void Finish(PendingStep step)
    {
        if (step.Loss is not { } loss) return;
        Optimizer.zero_grad();
        loss.backward();
        Optimizer.step();
    }
}
