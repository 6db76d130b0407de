using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// One training batch as a negative strategy sees it: raw images [B, F], their labels [B], and
/// the positives already built from them (images with their true label overlaid).
/// </summary>
public sealed record NegativeBatch(Tensor Images, Tensor Labels, Tensor Positives);
