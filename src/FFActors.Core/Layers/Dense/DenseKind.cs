using FFActors.Core.Objectives;
using FFActors.Core.Training;

namespace FFActors.Core.Layers;

/// <summary>Dense FF networks: <c>model.layers</c> sizes, each layer with the model's objective.</summary>
public sealed class DenseKind : ILayerKind
{
    public string Name => DenseSpec.Name;

    public bool Describes(ModelOptions model) => model.Cwc is null && model.Hff is null && model.Distance is null;

    public bool LabelDriven => false;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        CheckLayers(model);
        var collaboration = context.Collaboration;
        return Enumerable.Range(0, model.Layers.Length - 1).Select(i => new DenseSpec(
            i, model.Layers[i], model.Layers[i + 1], context.Optimizer, context.Window(i), model.InputNorm,
            new Objective(model.Goodness, model.ThresholdFor(model.Layers[i + 1]), model.Loss, model.SymBaAlpha,
                collaboration is { Enabled: true } c ? c.Remedy : CollaborationRemedy.None,
                collaboration?.CumulativeDivisor(i, model.Layers.Length - 1) ?? 1.0),
            model.PeerNorm, SharedHalves: context.SharedHalves && i == 0, model.Kernel)).ToArray();
    }

    public double[] LayerWork(ModelOptions model) => DenseWork(model);

    /// <summary>The blocked kernel's checkpoints fingerprint as those from before kernels were selectable.</summary>
    public string Fingerprint(ModelOptions model) => model.Kernel == DenseKernel.Blocked ? "" : $";kernel={model.Kernel}";

    internal static void CheckLayers(ModelOptions model)
    {
        if (model.Layers.Length < 2) throw new ArgumentException("model.layers: need an input size and at least one layer");
    }

    /// <summary>A dense layer's multiply-adds per sample: its weight count.</summary>
    internal static double[] DenseWork(ModelOptions model) =>
        Enumerable.Range(0, model.Layers.Length - 1).Select(l => (double)model.Layers[l] * model.Layers[l + 1]).ToArray();
}
