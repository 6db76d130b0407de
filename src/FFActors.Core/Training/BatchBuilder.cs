using FFActors.Core.Data;
using FFActors.Core.Negatives;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>Turns a batch of images and labels into FF positives and negatives.</summary>
public sealed class BatchBuilder(LabelOverlay overlay, INegativeStrategy negatives, Generator generator)
{
    public LabelOverlay Overlay { get; } = overlay;

    public (Tensor Positive, Tensor Negative) Build(Tensor images, Tensor labels)
    {
        var pos = Overlay.Apply(images, labels);
        var neg = negatives.Generate(new NegativeBatch(images, labels, pos), generator);
        return (pos, neg);
    }

    /// <summary>
    /// What a CwC-FF network trains on: the plain images as positives and an empty negative batch
    /// (channel-wise competition needs no negative data; the labels travel with the batch).
    /// </summary>
    public static (Tensor Positive, Tensor Negative) Plain(Tensor images) => (images.alias(), images.narrow(0, 0, 0));
}
