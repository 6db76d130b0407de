using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A Distance-Forward layer: a dense FF layer with one learnable centre per class (<see cref="DistanceModule"/>).</summary>
public sealed record DistanceSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, DistanceOptions Distance)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "distance";

    public override string Kind => Name;

    public override bool LabelDriven => true;

    public override IFFLayer Create(long seed, Device device) => new DistanceLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) =>
        new DistanceModule(InputSize, OutputSize, InputNorm, Distance, init, name);
}

/// <summary>Distance-Forward: class goodness is the negative distance to each centre, trained with the N-pair margin loss.</summary>
public sealed class DistanceLayer(DistanceSpec spec, long seed, Device device) : LabelDrivenLayer(spec, seed, device)
{
    public new DistanceSpec Spec { get; } = spec;

    public override Tensor? InputWeights => ((DistanceModule)Module).Dense.Weight;

    public override Tensor Score(Tensor h) => ((DistanceModule)Module).ClassScores(h);

    public override Tensor Features(Tensor h) => FFDenseLayer.Readout(h, Spec.InputNorm);

    protected override Tensor LabelLoss(Tensor scores, Tensor labels) => DistanceModule.MarginLoss(scores, labels, Spec.Distance.Margin);
}

/// <summary>
/// Distance-Forward (Wu et al., arXiv 2408.14925): every dense layer has one learnable centre per class;
/// the layer's goodness for class c is −Scale · mean_j (h_j − c_cj)² (a negative squared distance), trained
/// with an N-pair margin loss of the true class against every other class. Training and inference are
/// single-pass (plain images, no label overlay, no negatives); the prediction is the nearest centre.
/// </summary>
/// <param name="Margin">m: the true class's goodness must exceed every other class's by m before the loss lets go.</param>
/// <param name="Scale">Multiplies the mean squared distance (the logit scale of the N-pair loss). A fresh layer's
/// activities are about 0.01 (unit-norm input), so mean squared distances start near 1e-4: 1000 makes the logits O(0.1).</param>
public sealed record DistanceOptions(int Classes = 10, double Margin = 1.0, double Scale = 1000.0);

/// <summary>Distance-Forward networks: the dense layers of <c>model.layers</c>, each with class centres.</summary>
public sealed record DistanceKind(DistanceOptions Options) : ILayerKind
{
    public string Name => DistanceSpec.Name;

    public bool LabelDriven => true;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        DenseKind.CheckLayers(model);
        return Enumerable.Range(0, model.Layers.Length - 1).Select(i => new DistanceSpec(
            i, model.Layers[i], model.Layers[i + 1], context.Optimizer, context.Window(i), model.InputNorm, Options)).ToArray();
    }

    public string Describe(ModelOptions model) =>
        $"distance-forward layers [{string.Join(", ", model.Layers)}] margin {Options.Margin} scale {Options.Scale}";

    public string Fingerprint(ModelOptions model) => $";distance={Options.Margin:R},{Options.Scale:R}";

    public double[] LayerWork(ModelOptions model) => DenseKind.DenseWork(model);
}
