using FFActors.Core.Data;
using FFActors.Core.Negatives;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>Turns a batch of images and labels into FF positives and negatives.</summary>
public sealed class BatchBuilder(LabelOverlay overlay, INegativeStrategy negatives, Generator generator)
{
    public LabelOverlay Overlay { get; } = overlay;
    public INegativeStrategy Strategy { get; } = negatives;

    /// <summary>
    /// Positives as the strategy wants them (true label overlaid, or label-free: neutral overlay, SCFF
    /// pairs) and its negatives; <paramref name="model"/> is the network view for strategies that need one.
    /// </summary>
    public (Tensor Positive, Tensor Negative) Build(Tensor images, Tensor labels, INegativeModel? model = null)
    {
        var pos = Strategy.BuildPositives(images, labels, Overlay);
        var neg = Strategy.Generate(new NegativeBatch(images, labels, pos, model), generator);
        return (pos, neg);
    }

    /// <summary>
    /// What a CwC-FF network trains on: the plain images as positives and an empty negative batch
    /// (channel-wise competition needs no negative data; the labels travel with the batch).
    /// </summary>
    public static (Tensor Positive, Tensor Negative) Plain(Tensor images) => (images.alias(), images.narrow(0, 0, 0));
}
