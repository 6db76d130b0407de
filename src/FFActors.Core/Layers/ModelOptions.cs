using FFActors.Core.Objectives;

namespace FFActors.Core.Layers;

/// <param name="Layers">Sizes, input first: [784, 500, 500] is two FF layers.</param>
/// <param name="Threshold">θ; null means θ = the layer's width (Hinton's choice with sum goodness).</param>
/// <param name="LabelValue">Overlay "on" value; null means the batch maximum.</param>
/// <param name="SymBaAlpha">α of the SymBa loss (model.loss = symba).</param>
/// <param name="LayerKind">The kind of the model's layers with its own options (model.kind and its section); null = dense.</param>
/// <param name="Kernel">How dense layers compute their step (model.kernel).</param>
/// <param name="LabelPlacement">Where the overlay puts the label (model.label-input).</param>
public sealed record ModelOptions(
    int[] Layers,
    InputNorm InputNorm = InputNorm.L2,
    GoodnessKind Goodness = GoodnessKind.Mean,
    double? Threshold = 2.0,
    LossKind Loss = LossKind.Softplus,
    double PeerNorm = 0,
    double? LabelValue = null,
    double SymBaAlpha = 4.0,
    ILayerKind? LayerKind = null,
    DenseKernel Kernel = DenseKernel.Blocked,
    Data.LabelPlacement LabelPlacement = Data.LabelPlacement.Pixels)
{
    /// <summary>The layer kind of this model: <see cref="LayerKind"/>, dense when none is set.</summary>
    public ILayerKind Kind => LayerKind ?? DenseKind.Instance;

    /// <summary>The model's layers learn from labels in one pass: no overlay, no negatives (<see cref="LayerSpec.LabelDriven"/>).</summary>
    public bool LabelDriven => Kind.LabelDriven;

    public int LayerCount => LayerWork().Length;

    public double ThresholdFor(int width) => Threshold ?? width;

    /// <summary>Each layer's multiply-adds per sample: placement and lane plans balance these.</summary>
    public double[] LayerWork() => Kind.LayerWork(this);
}
