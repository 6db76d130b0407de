using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A Hyperspherical FF layer: a dense FF layer with one learnable prototype per class (<see cref="HffModule"/>).</summary>
public sealed record HffSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, HffOptions Hff)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "hff";

    public override string Kind => Name;

    public override bool LabelDriven => true;

    public override IFFLayer Create(long seed, Device device) => new HffLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) => new HffModule(InputSize, OutputSize, InputNorm, Hff, init, name);
}

/// <summary>Hyperspherical FF: class scores are scaled cosines to the prototypes, trained with cross-entropy.</summary>
public sealed class HffLayer(HffSpec spec, long seed, Device device) : LabelDrivenLayer(spec, seed, device)
{
    public new HffSpec Spec { get; } = spec;

    public override Tensor? InputWeights => ((HffModule)Module).Dense.Weight;

    public override Tensor Score(Tensor h) => ((HffModule)Module).ClassScores(h);

    public override Tensor Features(Tensor h) => FFDenseLayer.Readout(h, Spec.InputNorm);

    protected override Tensor LabelLoss(Tensor scores, Tensor labels) => nn.functional.cross_entropy(scores, labels);
}

/// <summary>
/// Hyperspherical FF: every dense layer has one learnable prototype per class; the layer's score for
/// class c is Scale · cos(h, p_c), trained with cross-entropy against the label. Training and
/// inference are single-pass (plain images, no label overlay, no negatives).
/// </summary>
/// <param name="Scale">Inverse temperature of the cosine scores (logit scale).</param>
public sealed record HffOptions(int Classes = 10, double Scale = 10.0);

/// <summary>Hyperspherical FF networks: the dense layers of <c>model.layers</c>, each with class prototypes.</summary>
public sealed record HffKind(HffOptions Options) : ILayerKind
{
    public string Name => HffSpec.Name;

    public bool LabelDriven => true;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        DenseKind.CheckLayers(model);
        return Enumerable.Range(0, model.Layers.Length - 1).Select(i => new HffSpec(
            i, model.Layers[i], model.Layers[i + 1], context.Optimizer, context.Window(i), model.InputNorm, Options)).ToArray();
    }

    public string Describe(ModelOptions model) => $"hff layers [{string.Join(", ", model.Layers)}]";

    public string Fingerprint(ModelOptions model) => $";hff={Options.Scale:R}";

    public double[] LayerWork(ModelOptions model) => DenseKind.DenseWork(model);
}
