using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// One training batch as a negative strategy sees it: raw images [B, F], their labels [B], the
/// positives already built from them (<see cref="INegativeStrategy.BuildPositives"/>: images with
/// their true label overlaid, or neutral for label-free strategies), and — for strategies that
/// adapt to the network (<see cref="INegativeStrategy.NeedsModel"/>) — a view of the current network.
/// </summary>
public sealed record NegativeBatch(Tensor Images, Tensor Labels, Tensor Positives, INegativeModel? Model = null)
{
    /// <summary>The model view, or a clear error naming the strategy that needed it.</summary>
    public INegativeModel RequireModel(string strategy) => Model ?? throw new InvalidOperationException(
        $"train.negatives = {strategy} needs the current network, but this trainer builds negatives without one " +
        "(NegativeBatch.Model is null; see NetworkView)");
}
