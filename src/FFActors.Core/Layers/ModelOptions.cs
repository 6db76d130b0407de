using FFActors.Core.Objectives;

namespace FFActors.Core.Layers;

/// <param name="Layers">Sizes, input first: [784, 500, 500] is two FF layers.</param>
/// <param name="Threshold">θ; null means θ = the layer's width (Hinton's choice with sum goodness).</param>
/// <param name="LabelValue">Overlay "on" value; null means the batch maximum.</param>
/// <param name="SymBaAlpha">α of the SymBa loss (model.loss = symba).</param>
/// <param name="Hff">Set for Hyperspherical FF (model.kind = hff): dense layers of <paramref name="Layers"/> with class prototypes.</param>
/// <param name="Distance">Set for Distance-Forward (model.kind = distance): dense layers of <paramref name="Layers"/> with class centres.</param>
/// <param name="Cwc">Set for a CwC-FF network (model.kind = cwc): its blocks replace <paramref name="Layers"/>.</param>
public sealed record ModelOptions(
    int[] Layers,
    InputNorm InputNorm = InputNorm.L2,
    GoodnessKind Goodness = GoodnessKind.Mean,
    double? Threshold = 2.0,
    LossKind Loss = LossKind.Softplus,
    double PeerNorm = 0,
    double? LabelValue = null,
    CwcOptions? Cwc = null,
    double SymBaAlpha = 4.0,
    HffOptions? Hff = null,
    DistanceOptions? Distance = null)
{
    /// <summary>CwC-FF, Hyperspherical FF and Distance-Forward learn from labels in one pass: no overlay, no negatives.</summary>
    public bool LabelDriven => Cwc is not null || Hff is not null || Distance is not null;

    public int LayerCount => Cwc?.Channels.Length ?? Layers.Length - 1;

    public double ThresholdFor(int width) => Threshold ?? width;

    /// <summary>
    /// Each layer's multiply-adds per sample: a dense layer's weight count, a CwC block's convolution
    /// (3×3 kernel, its groups, at its input resolution). Placement and lane plans balance these.
    /// </summary>
    public double[] LayerWork() => Cwc is { } cwc
        ? cwc.Blocks().Select(b => 9.0 * b.InChannels / b.Groups * b.OutChannels * b.Height * b.Width).ToArray()
        : Enumerable.Range(0, Layers.Length - 1).Select(l => (double)Layers[l] * Layers[l + 1]).ToArray();
}
