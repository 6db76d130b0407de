using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// Self-contrastive FF (SCFF, Chen et al. 2025). A positive is the concatenation [x ‖ x] of an image
/// with itself. A negative is [x_i ‖ x_j] of two different images (j ≠ i uniform over the batch,
/// any class). Both are 2F wide (<see cref="InputWidth"/>), so the first layer must take 2F inputs.
/// The strategy is label-free and never reads the labels: each half carries the neutral overlay in
/// positives and negatives alike.
/// </summary>
/// <remarks>
/// The seed's "self-contrastive" contrasted augmentations of one image (SimCLR-style), not SCFF's
/// same-versus-different pairing. SCFF also shares the first layer's weights between the two halves.
/// That is an architectural constraint for the layer, not for the negatives: the trainers build layer 0
/// with <see cref="Layers.FFDenseLayer.SharedHalves"/> for this strategy (see <see cref="NegativeSetup"/>).
/// </remarks>
public sealed class SelfContrastiveNegatives(LabelOverlay overlay) : INegativeStrategy
{
    public string Name => "self-contrastive";
    public bool LabelFree => true;
    public int InputWidth(int imageFeatures) => 2 * imageFeatures;

    public Tensor BuildPositives(Tensor images, Tensor labels, LabelOverlay overlay)
    {
        using var neutral = overlay.Neutral(images);
        return cat([neutral, neutral], 1);
    }

    public Tensor Generate(NegativeBatch batch, Generator generator) => GenerateDetailed(batch, generator).Negatives;

    public (Tensor Negatives, Tensor Partners) GenerateDetailed(NegativeBatch batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        var neutral = overlay.Neutral(batch.Images);
        var partner = Sampling.OtherRows(batch.Images.shape[0], generator, batch.Images.device);
        var negatives = cat([neutral, neutral.index_select(0, partner)], 1);
        return (negatives.MoveToOuterDisposeScope(), partner.MoveToOuterDisposeScope());
    }
}
