using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// A different image of the SAME class as the anchor, with a wrong label. Row i is image j, drawn
/// uniformly from the other rows with y_j = y_i, carrying a label drawn uniformly from the C − 1
/// classes other than y_i. Since the label is wrong for image j as well, the row is a true negative.
/// It differs from a wrong-label negative only in that the image is another instance of the class.
/// </summary>
/// <remarks>
/// The seed's "same_class_diff_img" did not pick an image of the same class (REFERENCE §1), so
/// its table row measured something else. Fallback: when the anchor's class appears only once in
/// the batch, the row is a plain wrong-label negative (its own image with a wrong label).
/// </remarks>
public sealed class SameClassDifferentImageNegatives(LabelOverlay overlay) : INegativeStrategy
{
    public string Name => "same-class-different-image";

    public Tensor Generate(NegativeBatch batch, Generator generator) => GenerateDetailed(batch, generator).Negatives;

    /// <summary>The negatives, the batch row each image came from, and whether that row is a real same-class partner (false means the fallback).</summary>
    public (Tensor Negatives, Tensor Partners, Tensor Valid) GenerateDetailed(NegativeBatch batch, Generator generator)
    {
        var pinned = Sampling.Pinned(overlay, batch.Images);
        using var scope = NewDisposeScope();
        var (partner, valid) = Sampling.SameClassRows(batch.Labels, overlay.Classes, generator);
        var wrong = WrongLabelNegatives.SampleWrongLabels(batch.Labels, overlay.Classes, generator);
        var negatives = pinned.Apply(batch.Images.index_select(0, partner), wrong);
        return (negatives.MoveToOuterDisposeScope(), partner.MoveToOuterDisposeScope(), valid.MoveToOuterDisposeScope());
    }
}
