namespace FFActors.Core.Layers;

/// <summary>Distance-Forward networks: the dense layers of <c>model.layers</c>, each with class centres.</summary>
public sealed class DistanceKind : ILayerKind
{
    public string Name => DistanceSpec.Name;

    public bool Describes(ModelOptions model) => model.Distance is not null;

    public bool LabelDriven => true;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        DenseKind.CheckLayers(model);
        return Enumerable.Range(0, model.Layers.Length - 1).Select(i => new DistanceSpec(
            i, model.Layers[i], model.Layers[i + 1], context.Optimizer, context.Window(i), model.InputNorm, model.Distance!)).ToArray();
    }

    public string Fingerprint(ModelOptions model) => $";distance={model.Distance!.Margin:R},{model.Distance.Scale:R}";

    public double[] LayerWork(ModelOptions model) => DenseKind.DenseWork(model);
}
