namespace FFActors.Core.Layers;

/// <summary>The two CwC-FF losses over a layer's B×C class-goodness matrix (Papachristodoulou et al., AAAI 2024).</summary>
public enum CwcLoss
{
    /// <summary>CwC_CE: cross-entropy of the goodness matrix, read as logits, with the true class.</summary>
    CwcCe,
    /// <summary>PvN: softplus over cat[θ − g_true, mean(g_other) − θ]: the true class's channel group against the others.</summary>
    PvN,
}
