using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// A different image carrying the anchor's label: row i is image j with label y_i, where j is
/// drawn uniformly from the batch's images whose class y_j is not y_i. The image's own class is
/// therefore never the label it carries.
/// </summary>
/// <remarks>
/// Same-class partners must be excluded: image j of class y_i with label y_i is a real positive.
/// The seed described this strategy only as "different image + the anchor's label" and did not
/// guarantee that. Fallback: if the whole batch is one class, no such partner exists, and the row
/// becomes a wrong-label negative (its own image with a uniformly drawn wrong label).
/// </remarks>
public sealed class ClassConfusionNegatives(LabelOverlay overlay) : INegativeStrategy
{
    public string Name => "class-confusion";

    public Tensor Generate(NegativeBatch batch, Generator generator) => GenerateDetailed(batch, generator).Negatives;

    /// <summary>The negatives with the batch row each image came from.</summary>
    public (Tensor Negatives, Tensor Partners) GenerateDetailed(NegativeBatch batch, Generator generator)
    {
        var pinned = Sampling.Pinned(overlay, batch.Images);
        using var scope = NewDisposeScope();
        var (partner, valid) = Sampling.OtherClassRows(batch.Labels, overlay.Classes, generator);
        var wrong = WrongLabelNegatives.SampleWrongLabels(batch.Labels, overlay.Classes, generator);
        var label = where(valid, batch.Labels, wrong);
        var negatives = pinned.Apply(batch.Images.index_select(0, partner), label);
        return (negatives.MoveToOuterDisposeScope(), partner.MoveToOuterDisposeScope());
    }
}
