namespace FFActors.Core.Layers;

/// <summary>Hyperspherical FF networks: the dense layers of <c>model.layers</c>, each with class prototypes.</summary>
public sealed class HffKind : ILayerKind
{
    public string Name => HffSpec.Name;

    public bool Describes(ModelOptions model) => model.Hff is not null;

    public bool LabelDriven => true;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        DenseKind.CheckLayers(model);
        return Enumerable.Range(0, model.Layers.Length - 1).Select(i => new HffSpec(
            i, model.Layers[i], model.Layers[i + 1], context.Optimizer, context.Window(i), model.InputNorm, model.Hff!)).ToArray();
    }

    public string Fingerprint(ModelOptions model) => $";hff={model.Hff!.Scale:R}";

    public double[] LayerWork(ModelOptions model) => DenseKind.DenseWork(model);
}
