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
