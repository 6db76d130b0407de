using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// Channel-wise competition: the output channels of a layer are split into <see cref="Classes"/>
/// consecutive groups, and class c's goodness is the mean square of group c's activities. No
/// negative data is needed: the other classes' groups are the negatives.
/// </summary>
/// <param name="Threshold">θ of the PvN loss (the paper's 2.0); unused by CwC_CE.</param>
public sealed record CwcObjective(int Classes, CwcLoss Loss, double Threshold = 2.0)
{
    /// <summary>Goodness matrix [B, Classes] of activities h [B, channels, H, W] (channels divisible by Classes).</summary>
    public Tensor GoodnessMatrix(Tensor h) => h.reshape(h.shape[0], Classes, -1).Squared().mean([2]);

    /// <summary>The loss for goodness matrix <paramref name="g"/> [B, C] and labels [B].</summary>
    public Tensor LossOf(Tensor g, Tensor labels) => Loss switch
    {
        CwcLoss.CwcCe => nn.functional.cross_entropy(g, labels),
        CwcLoss.PvN => PvN(g, labels),
        _ => throw new ArgumentOutOfRangeException(nameof(Loss)),
    };

    Tensor PvN(Tensor g, Tensor labels)
    {
        var (pos, neg) = TrueAndOthers(g, labels);
        return nn.functional.softplus(cat([pos.neg().add(KeptScalars.Of(Threshold), KeptScalars.One), neg.sub(KeptScalars.Of(Threshold))])).mean();
    }

    /// <summary>Per sample: the true class's goodness and the mean goodness of the other classes, [B] each.</summary>
    public (Tensor True, Tensor Others) TrueAndOthers(Tensor g, Tensor labels)
    {
        var pos = g.gather(1, labels.unsqueeze(1)).squeeze(1);
        var others = g.sum([1]).sub(pos).div(KeptScalars.Of(Classes - 1));
        return (pos, others);
    }
}

/// <summary>The two CwC-FF losses over a layer's B×C class-goodness matrix (Papachristodoulou et al., AAAI 2024).</summary>
public enum CwcLoss
{
    /// <summary>CwC_CE: cross-entropy of the goodness matrix, read as logits, with the true class.</summary>
    CwcCe,
    /// <summary>PvN: softplus over cat[θ − g_true, mean(g_other) − θ]: the true class's channel group against the others.</summary>
    PvN,
}
