using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>A layer's activities for the positives and negatives of one batch (detached).</summary>
public sealed record LayerOutput(Tensor Positive, Tensor Negative);
