using FFActors.Core.Data;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// A blend of two images of different classes: row i is α·x_i + (1 − α)·x_j, with j drawn
/// uniformly from the rows of another class and α either fixed (<c>alphaMin = alphaMax</c>) or
/// drawn per row from U(alphaMin, alphaMax). By default the blend carries a label that is wrong
/// for both sources (uniform over the classes other than y_i and y_j). With <c>labelFree</c> it
/// carries the neutral overlay and the positives do too.
/// </summary>
/// <remarks>
/// The seed fixed α at 0.5 and overlaid a label that was only wrong for the anchor, so it could
/// be the partner's own class. It also took the overlay's "on" value from the blend's maximum,
/// which is lower than the positives' value: a label-slot shortcut. Here the "on" value is pinned
/// to the positives' value (<see cref="Sampling.Pinned"/>). Fallback: if the batch is one class,
/// the partner is any other image.
/// </remarks>
public sealed class HybridMixNegatives : INegativeStrategy
{
    readonly LabelOverlay overlay;

    public HybridMixNegatives(LabelOverlay overlay, double alphaMin = 0.5, double alphaMax = 0.5, bool labelFree = false)
    {
        if (!(alphaMin > 0 && alphaMin <= alphaMax && alphaMax < 1))
            throw new ArgumentOutOfRangeException(nameof(alphaMin), $"hybrid-mix: need 0 < alpha-min ≤ alpha-max < 1 (got {alphaMin}, {alphaMax})");
        this.overlay = overlay;
        AlphaMin = alphaMin;
        AlphaMax = alphaMax;
        LabelFree = labelFree;
    }

    public string Name => "hybrid-mix";
    public double AlphaMin { get; }
    public double AlphaMax { get; }
    public bool LabelFree { get; }

    public Tensor Generate(NegativeBatch batch, Generator generator) => GenerateDetailed(batch, generator).Negatives;

    /// <summary>The negatives, each row's partner, and each row's α [B].</summary>
    public (Tensor Negatives, Tensor Partners, Tensor Alphas) GenerateDetailed(NegativeBatch batch, Generator generator)
    {
        var pinned = Sampling.Pinned(overlay, batch.Images);
        using var scope = NewDisposeScope();
        var x = batch.Images;
        var (partner, valid) = Sampling.OtherClassRows(batch.Labels, overlay.Classes, generator);
        if (!valid.all().item<bool>())
            partner = where(valid, partner, Sampling.OtherRows(x.shape[0], generator, x.device));
        var alpha = Sampling.UniformIn(x.shape[0], AlphaMin, AlphaMax, generator, x.device).to(x.dtype);
        var a = alpha.unsqueeze(1);
        var mix = (a * x).add((KeptScalars.Of(1) - a) * x.index_select(0, partner), KeptScalars.One);
        var negatives = LabelFree
            ? overlay.Neutral(mix)
            : pinned.Apply(mix, Sampling.LabelsExcluding(batch.Labels, batch.Labels.index_select(0, partner), overlay.Classes, generator));
        return (negatives.MoveToOuterDisposeScope(), partner.MoveToOuterDisposeScope(), alpha.MoveToOuterDisposeScope());
    }
}
