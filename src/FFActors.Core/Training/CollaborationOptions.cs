namespace FFActors.Core.Training;

/// <summary>
/// Layer collaboration (Lorberbom et al., AAAI 2024): the logit of layer ℓ becomes
/// g_ℓ + s·γ − θ with γ the detached goodness of the other layers on the same sample.
/// Scale 0 turns it off. <paramref name="Remedy"/> changes how the layer's loss uses γ (see <see cref="CollaborationRemedy"/>).
/// </summary>
public sealed record CollaborationOptions(double Scale = 0, CollaborationMode Mode = CollaborationMode.All, GammaExchange Exchange = GammaExchange.Exact,
    CollaborationRemedy Remedy = CollaborationRemedy.None)
{
    public bool Enabled => Scale != 0;

    /// <summary>How many of <paramref name="layers"/> layers contribute to layer <paramref name="layer"/>'s γ.</summary>
    public int Contributors(int layer, int layers) => Enumerable.Range(0, layers).Count(k => Collaboration.Contributes(Mode, layer, k));

    /// <summary>The divisor D of the cumulative logit (g + s·γ)/D − θ: 1 + s·n for <see cref="CollaborationRemedy.DepthScaled"/>, else 1.</summary>
    public double CumulativeDivisor(int layer, int layers) =>
        Enabled && Remedy == CollaborationRemedy.DepthScaled ? 1 + Scale * Contributors(layer, layers) : 1;
}

/// <summary>Which other layers' goodness forms a layer's collaboration term γ.</summary>
public enum CollaborationMode { All, Previous, Next }

/// <summary>How γ is obtained for a batch.</summary>
public enum GammaExchange
{
    /// <summary>A no-grad probe pass of the batch through all layers first (as the seed does).</summary>
    Exact,
    /// <summary>The other layers' goodness for the same sample the last time it was seen (no extra pass).</summary>
    Stale,
}

/// <summary>
/// Remedies for layer free-riding under cumulative goodness (collaboration mode <c>previous</c>: layer ℓ's logit is
/// z_ℓ = g_ℓ + s·Σ_{k&lt;ℓ} g_k − θ with the earlier layers detached). Once the earlier layers separate a sample,
/// their prior margin saturates σ(z_ℓ) and the gradient reaching g_ℓ decays like 1 − σ(z_ℓ) ≈ e^{−margin}: the
/// layer stops learning to discriminate. Every remedy is applied by <see cref="Objectives.Objective.LossOf"/>,
/// so every trainer and the actor runtime share it.
/// </summary>
public enum CollaborationRemedy
{
    /// <summary>The layer's logit is the cumulative one, g + s·γ − θ.</summary>
    None,

    /// <summary>The layer's loss uses its own logit g − θ; γ is dropped from the loss (the weights then equal a
    /// run without collaboration; prediction still sums the score layers' goodness).</summary>
    PerBlock,

    /// <summary>
    /// The layer's own logit g − θ, each sample weighted by how hard it still is for the cumulative logit
    /// z = g + s·γ − θ (detached): w = 1 − σ(z) for a positive, σ(z) for a negative (SymBa: 1 − σ(α(z⁺ − z⁻)) per
    /// pair). Weights lie in [0, 1] and the loss is the weighted mean Σ w·ℓ / Σ w, so samples the stack already
    /// gets right carry little weight but no longer shrink the layer's gradient towards zero.
    /// </summary>
    HardnessGated,

    /// <summary>The cumulative sum is averaged instead of summed: z = (g + s·γ)/(1 + s·n) − θ with n the number of
    /// layers whose goodness forms γ (1/ℓ for the ℓ-th layer with mode previous and s = 1), so the prior margin
    /// no longer grows with depth and saturates the sigmoid.</summary>
    DepthScaled,
}
