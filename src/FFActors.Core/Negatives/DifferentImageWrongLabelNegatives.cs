using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// A different image with a label that is wrong for both images: row i is image j (j ≠ i, uniform
/// over the other rows, any class) with a label drawn uniformly from the classes other than y_i
/// and y_j. Excluding y_j keeps the row from being a real positive for image j. Excluding y_i
/// keeps it distinct from <see cref="ClassConfusionNegatives"/>.
/// </summary>
/// <remarks>
/// The seed had no strategy under this name. Its "same_class_diff_img" was described as
/// "different image + wrong label" but did not pick an image of the same class (REFERENCE §1), so it
/// was close to this strategy under a misleading name; see <see cref="SameClassDifferentImageNegatives"/>.
/// </remarks>
public sealed class DifferentImageWrongLabelNegatives(LabelOverlay overlay) : INegativeStrategy
{
    public string Name => "different-image-wrong-label";

    public Tensor Generate(NegativeBatch batch, Generator generator) => GenerateDetailed(batch, generator).Negatives;

    public (Tensor Negatives, Tensor Partners) GenerateDetailed(NegativeBatch batch, Generator generator)
    {
        var pinned = Sampling.Pinned(overlay, batch.Images);
        using var scope = NewDisposeScope();
        var partner = Sampling.OtherRows(batch.Images.shape[0], generator, batch.Images.device);
        var label = Sampling.LabelsExcluding(batch.Labels, batch.Labels.index_select(0, partner), overlay.Classes, generator);
        var negatives = pinned.Apply(batch.Images.index_select(0, partner), label);
        return (negatives.MoveToOuterDisposeScope(), partner.MoveToOuterDisposeScope());
    }
}
