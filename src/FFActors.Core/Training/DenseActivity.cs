using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// What a learning dense layer's explicit backward needs from its forward: the linear inputs x̂ and the
/// activities h (autograd leaves: the loss's graph starts at h, the layer's own matmuls are outside it).
/// Positives first, then negatives.
/// </summary>
public sealed record DenseActivity(IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor> Activities);
