namespace FFActors.Core.Training;

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
/// Layer collaboration (Lorberbom et al., AAAI 2024): the logit of layer ℓ becomes
/// g_ℓ + s·γ − θ with γ the detached goodness of the other layers on the same sample.
/// Scale 0 turns it off.
/// </summary>
public sealed record CollaborationOptions(double Scale = 0, CollaborationMode Mode = CollaborationMode.All, GammaExchange Exchange = GammaExchange.Exact)
{
    public bool Enabled => Scale != 0;
}
