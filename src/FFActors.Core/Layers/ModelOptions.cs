using FFActors.Core.Objectives;

namespace FFActors.Core.Layers;

/// <param name="Layers">Sizes, input first: [784, 500, 500] is two FF layers.</param>
/// <param name="Threshold">θ; null means θ = the layer's width (Hinton's choice with sum goodness).</param>
/// <param name="LabelValue">Overlay "on" value; null means the batch maximum.</param>
/// <param name="SymBaAlpha">α of the SymBa loss (model.loss = symba).</param>
/// <param name="Hff">Set for Hyperspherical FF (model.kind = hff): dense layers of <paramref name="Layers"/> with class prototypes.</param>
/// <param name="Distance">Set for Distance-Forward (model.kind = distance): dense layers of <paramref name="Layers"/> with class centres.</param>
/// <param name="Cwc">Set for a CwC-FF network (model.kind = cwc): its blocks replace <paramref name="Layers"/>.</param>
/// <param name="Kernel">How dense layers compute their step (model.kernel).</param>
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
    DistanceOptions? Distance = null,
    DenseKernel Kernel = DenseKernel.Blocked)
{
    /// <summary>The layer kind of this model (<see cref="LayerKinds"/>).</summary>
    public ILayerKind Kind => LayerKinds.Of(this);

    /// <summary>The model's layers learn from labels in one pass: no overlay, no negatives (<see cref="LayerSpec.LabelDriven"/>).</summary>
    public bool LabelDriven => Kind.LabelDriven;

    public int LayerCount => LayerWork().Length;

    public double ThresholdFor(int width) => Threshold ?? width;

    /// <summary>Each layer's multiply-adds per sample: placement and lane plans balance these.</summary>
    public double[] LayerWork() => Kind.LayerWork(this);
}
