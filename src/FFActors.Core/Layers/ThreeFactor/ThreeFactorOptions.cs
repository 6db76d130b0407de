namespace FFActors.Core.Layers;

/// <summary>
/// Three-factor FF (the seed study's §5.1, after the neuromodulated three-factor rule ΔW ∝ pre · post · M): every dense
/// FF layer's goodness enters its loss as g̃ = g · (1 + s · tanh M), with M a per-sample modulation signal and s a
/// learnable scale of the layer's own.
/// </summary>
/// <param name="Modulation">Where M comes from.</param>
/// <param name="Formulation">The corrected formulation, or the seed study's (which lets a modulation that tells positives
/// from negatives replace learning: see <see cref="ModulationFormulation"/>).</param>
/// <param name="InitialScale">s before training (the seed's 0.5); the corrected formulation needs |s| &lt; 1.</param>
/// <param name="RewardMomentum">Seed reward prediction only: momentum of each layer's running expected reward (the seed's 0.99).</param>
/// <param name="Classes">Classes of the top layer's readout.</param>
public sealed record ThreeFactorOptions(Modulation Modulation = Modulation.None, ModulationFormulation Formulation = ModulationFormulation.Corrected,
    double InitialScale = 0.5, double RewardMomentum = 0.99, int Classes = 10)
{
    bool Seed => Formulation == ModulationFormulation.Seed;

    /// <summary>The top layer trains a softmax readout of its activity (top-down, and the corrected reward prediction's reward).</summary>
    public bool HasReadout => Modulation == Modulation.TopDown || (Modulation == Modulation.RewardPrediction && !Seed);

    /// <summary>The top layer trains a critic that predicts whether its readout is right (the corrected reward prediction).</summary>
    public bool HasCritic => Modulation == Modulation.RewardPrediction && !Seed;

    /// <summary>The seed's reward prediction: each layer computes M itself from whether a sample is a positive (reward 1) or a
    /// negative (reward 0), minus a running mean of that reward; no signal crosses layers.</summary>
    public bool LocalReward => Modulation == Modulation.RewardPrediction && Seed;

    /// <summary>The layers read M from the batch's signals (computed from a probe pass by <see cref="ModulationRule"/>).</summary>
    public bool ReadsSignal => Modulation != Modulation.None && !LocalReward;

    /// <summary>The option values in a few words (run titles, fingerprints).</summary>
    public string Describe() => $"{Modulation}, {Formulation}";

    public void Check()
    {
        if (!double.IsFinite(InitialScale) || (!Seed && Math.Abs(InitialScale) >= 1))
            throw new ArgumentException($"model.three-factor.initial-scale: {InitialScale}; the corrected formulation keeps s = tanh(ρ) in (-1, 1)");
        if (!(RewardMomentum >= 0 && RewardMomentum < 1))
            throw new ArgumentException($"model.three-factor.reward-momentum: {RewardMomentum} is not in [0, 1)");
    }
}

/// <summary>The modulation signal M of three-factor FF, per sample.</summary>
public enum Modulation
{
    /// <summary>M = 0: plain FF (the factor is 1).</summary>
    None,

    /// <summary>M = P(true class) − 0.5 from the top layer's softmax readout of its own activity on the sample's positive.</summary>
    TopDown,

    /// <summary>
    /// Agreement of adjacent layers' verdicts on the sample: with p_ℓ = σ(g_ℓ − θ_ℓ) layer ℓ's probability that its input
    /// is positive, M_ℓ = (2p_ℓ − 1)(2p_n − 1), n the next layer (the previous one for the top layer); in [−1, 1],
    /// positive when both layers call the sample the same way, 0 for a one-layer network.
    /// </summary>
    LayerAgreement,

    /// <summary>
    /// TD-like reward prediction error. Corrected: reward r = 1 when the top layer's readout classifies the sample's
    /// positive right, else 0; M = r − v with v a critic's learned prediction of r from the same activity (both in the top
    /// layer). Seed: r = 1 for a positive and 0 for a negative, minus a running mean of r.
    /// </summary>
    RewardPrediction,
}

/// <summary>How three-factor FF turns M into a factor and which samples share it.</summary>
public enum ModulationFormulation
{
    /// <summary>
    /// Each batch row's M comes from its positive and applies to the positive and its negative alike (one episode, one
    /// neuromodulator), and s = tanh(ρ) so the factor stays in (0, 2): M cannot tell positives from negatives, so it can only
    /// re-weight samples, never stand in for the layer's own evidence.
    /// </summary>
    Corrected,

    /// <summary>
    /// The seed study's: the negatives get an M of their own (top-down: −(P(true class) − 0.5) of the negative's readout;
    /// agreement: from the negatives' goodness; reward: r = 0), and s is a free parameter. A modulation that differs by
    /// branch gives positives and negatives different thresholds: with the seed's reward M⁺ ≈ +0.5 and M⁻ ≈ −0.5 for every
    /// sample, a positive passes at g &gt; θ/(1 + s·tanh 0.5) and a negative at g &lt; θ/(1 − s·tanh 0.5), so every sample can
    /// sit in the band between without the layer telling them apart; both branches push s up to widen it (past
    /// s·tanh 0.5 = 1 the negatives' factor turns negative). That is the reward-prediction collapse.
    /// </summary>
    Seed,
}
